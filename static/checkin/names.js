/* Name search that ignores case and diacritics in both directions, the same as checkin/names.py:
   a text is folded the plain way (Ö→o, Ø→o, Å→a, Æ→ae, ß→ss) and the spelled-out way
   (Ö→oe, Ø→oe, Å→aa, Ä→ae, Ü→ue); a query matches when any fold of it is inside any fold of the
   name or organisation. */
(function () {
  "use strict";

  var PLAIN = { "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "þ": "th", "ı": "i" };
  var SPELLED = { "ö": "oe", "ø": "oe", "ä": "ae", "æ": "ae", "å": "aa", "ü": "ue" };
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

  function map(text, table) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      out += Object.prototype.hasOwnProperty.call(table, c) ? table[c] : c;
    }
    return out;
  }

  function fold(text) {
    return map(String(text || "").toLowerCase().normalize("NFKD").replace(MARKS, ""), PLAIN);
  }

  function folds(text) {
    var lower = String(text || "").toLowerCase().normalize("NFC");
    var plain = fold(lower), spelled = fold(map(lower, SPELLED));
    return plain === spelled ? [plain] : [plain, spelled];
  }

  function matches(queryFolds) {
    var texts = Array.prototype.slice.call(arguments, 1);
    return texts.some(function (text) {
      if (!text) return false;
      var target = folds(text);
      return queryFolds.some(function (q) {
        return target.some(function (t) { return t.indexOf(q) >= 0; });
      });
    });
  }

  window.samlaNames = { fold: fold, folds: folds, matches: matches };
})();
