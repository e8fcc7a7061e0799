"""PostgreSQL: samla_registration_create as registration/sql/samla_registration_create.sql has it.

From here on the function's current source lives in that one file. A migration that changes
the function copies the whole file into its FUNCTION (never str.replace on an older migration),
so that history stays as it ran; tests/registration/test_register_sql_source.py checks that the
newest copy, the file and the live function are the same. This one changes nothing in the
function of migration 0010: it is its text, copied whole."""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION samla_registration_create(
    p_conference_id bigint, p_slug text, p_now timestamptz,
    p_email text, p_name text, p_organisation text, p_sector text, p_diets text[],
    p_diet_other text, p_accessibility text, p_language text, p_public_listing boolean,
    p_sessions bigint[], p_meals bigint[], p_manage_token text, p_calendar_token text,
    p_at timestamptz, p_privacy_version integer
) RETURNS TABLE (
    outcome text, registration_id bigint, conference_id bigint, status text,
    email_log_id bigint
) LANGUAGE plpgsql AS $$
DECLARE
    c record;
    v_n integer := cardinality(p_sessions);
    v_deadline timestamptz;
    v_found integer;
    v_counters integer;
    v_overlaps boolean;
    v_guess text;
    v_status text;
    v_seated boolean;
    v_statuses text[] := '{}';
    v_session bigint;
    v_id bigint;
    v_log bigint;
    v_at timestamptz := p_at;  -- created_at / updated_at, the caller's clock as Django's
BEGIN
    -- The conference and its seat counter (`taken` is NULL while it has none).
    IF p_conference_id IS NULL THEN
        SELECT k.id, k.capacity, k.registration_opens, k.registration_closes, k.time_zone,
               k."end", sc.taken
          INTO c FROM conference_conference k
          LEFT JOIN registration_seatcounter sc
            ON sc.conference_id = k.id AND sc.session_id IS NULL
         WHERE k.slug = p_slug AND k.is_published;
    ELSE
        SELECT k.id, k.capacity, k.registration_opens, k.registration_closes, k.time_zone,
               k."end", sc.taken
          INTO c FROM conference_conference k
          LEFT JOIN registration_seatcounter sc
            ON sc.conference_id = k.id AND sc.session_id IS NULL
         WHERE k.id = p_conference_id;
    END IF;
    IF NOT FOUND OR c.taken IS NULL THEN
        RETURN;
    END IF;
    -- The window: a closing date means the end of that day in the conference's time zone.
    IF c.registration_opens IS NOT NULL AND p_now < c.registration_opens THEN
        RETURN;
    END IF;
    v_deadline := CASE
        WHEN c.registration_closes IS NULL THEN c."end"
        ELSE (c.registration_closes + 1)::timestamp
             AT TIME ZONE coalesce(nullif(c.time_zone, ''), 'Europe/Stockholm')
    END;
    IF p_now >= v_deadline THEN
        RETURN;
    END IF;
    IF v_n > 0 THEN
        -- Every one open for sign-up at this conference, with a seat counter, and, in (start,
        -- id) order, none starting before the one before it ends.
        SELECT count(*), count(t.counter), coalesce(bool_or(t.overlaps), false)
          INTO v_found, v_counters, v_overlaps
          FROM (SELECT sc.id AS counter,
                       s.start < lag(s."end") OVER (ORDER BY s.start, s.id) AS overlaps
                  FROM conference_session s
                  LEFT JOIN registration_seatcounter sc ON sc.session_id = s.id
                 WHERE s.id = ANY (p_sessions) AND s.conference_id = c.id
                   AND s.requires_signup AND s.status = 'scheduled') AS t;
        IF v_found <> v_n OR v_counters <> v_n OR v_overlaps THEN
            RETURN;
        END IF;
    END IF;
    IF cardinality(p_meals) > 0 AND (
        SELECT count(*) FROM conference_session s
         WHERE s.id = ANY (p_meals) AND s.conference_id = c.id AND s.kind = 'meal'
    ) <> cardinality(p_meals) THEN
        RETURN;
    END IF;

    -- Guess the status from the counter read without a lock; the UPDATE below decides.
    v_guess := CASE WHEN c.capacity IS NULL OR c.taken < c.capacity
                    THEN 'confirmed' ELSE 'waiting' END;
    INSERT INTO registration_registration AS r (
        manage_token, calendar_token, status, name, email, organisation, sector, diets,
        diet_other, accessibility, language, public_listing, consented_at, privacy_version, waiting_since,
        offer_expires_at, created_at, updated_at, conference_id)
    VALUES (
        p_manage_token, p_calendar_token, v_guess, p_name, p_email, p_organisation, p_sector,
        to_jsonb(p_diets), p_diet_other, p_accessibility, p_language, p_public_listing, p_now, p_privacy_version,
        CASE WHEN v_guess = 'waiting' THEN p_now END, NULL, v_at, v_at, c.id)
    ON CONFLICT DO NOTHING
    RETURNING r.id INTO v_id;
    IF v_id IS NULL THEN
        -- A known address (a double click, a retry) is named back, unchanged, unless it was
        -- cancelled: coming back after a cancel, like a token clash, takes the general path.
        SELECT r.id, r.status INTO v_id, v_status FROM registration_registration r
         WHERE r.conference_id = c.id AND lower(r.email) = lower(p_email);
        IF v_id IS NOT NULL AND v_status <> 'cancelled' THEN
            RETURN QUERY SELECT 'known'::text, v_id, c.id, v_status, NULL::bigint;
        END IF;
        RETURN;
    END IF;
    IF cardinality(p_meals) > 0 THEN
        INSERT INTO registration_registration_meals (registration_id, session_id)
        SELECT v_id, m FROM unnest(p_meals) AS m;
    END IF;

    -- Seats last: the counter rows stay locked only until this statement commits.
    UPDATE registration_seatcounter sc SET taken = sc.taken + 1
     WHERE sc.conference_id = c.id AND sc.session_id IS NULL
       AND sc.taken < coalesce(
           (SELECT k.capacity FROM conference_conference k WHERE k.id = c.id), 2147483647);
    v_seated := FOUND;
    v_status := CASE WHEN v_seated THEN 'confirmed' ELSE 'waiting' END;
    IF v_status <> v_guess THEN
        UPDATE registration_registration r
           SET status = v_status, waiting_since = CASE WHEN v_seated THEN NULL ELSE p_now END,
               updated_at = v_at
         WHERE r.id = v_id;
    END IF;
    FOREACH v_session IN ARRAY p_sessions LOOP
        IF v_seated THEN
            -- A cancelled session has no seats, whatever its cap said.
            UPDATE registration_seatcounter sc SET taken = sc.taken + 1
             WHERE sc.session_id = v_session
               AND sc.taken < coalesce(
                   (SELECT CASE WHEN s.status = 'scheduled'
                                THEN coalesce(s.capacity, rm.capacity, 2147483647) ELSE 0 END
                      FROM conference_session s LEFT JOIN conference_room rm ON rm.id = s.room_id
                     WHERE s.id = v_session),
                   0);
            v_statuses := v_statuses || CASE WHEN FOUND THEN 'confirmed' ELSE 'waiting' END;
        ELSE
            v_statuses := v_statuses || 'waiting'::text;
        END IF;
    END LOOP;
    -- The workshop places, the audit entry and the e-mail in one statement.
    WITH places AS (
        INSERT INTO registration_signup (
            status, waiting_since, offer_expires_at, created_at, updated_at, registration_id,
            session_id)
        SELECT u.st, CASE WHEN u.st = 'waiting' THEN p_now END, NULL, v_at, v_at, v_id, u.sid
          FROM unnest(p_sessions, v_statuses) AS u (sid, st)
    ), audit AS (
        INSERT INTO registration_auditentry (
            actor_label, action, details, at, actor_id, conference_id, registration_id)
        VALUES ('attendee', 'registered',
                jsonb_build_object('status', v_status, 'sessions', coalesce(
                    (SELECT jsonb_object_agg(u.sid::text, u.st)
                       FROM unnest(p_sessions, v_statuses) AS u (sid, st)),
                    '{}'::jsonb)),
                v_at, NULL, c.id, v_id)
    )
    INSERT INTO registration_emaillog AS e (
        kind, "to", subject, payload, status, attempts, error, message_id, created_at, sent_at,
        conference_id, registration_id)
    VALUES (CASE WHEN v_seated THEN 'confirmation' ELSE 'waiting' END, p_email, '', '{}'::jsonb,
            'queued', 0, '', '', v_at, NULL, c.id, v_id)
    RETURNING e.id INTO v_log;
    RETURN QUERY SELECT 'created'::text, v_id, c.id, v_status, v_log;
END;
$$
"""


def apply(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("registration", "0014_registration_source_and_group")]

    operations = [migrations.RunPython(apply, migrations.RunPython.noop)]
