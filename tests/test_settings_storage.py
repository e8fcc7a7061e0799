"""Files go to an S3-compatible bucket when S3_BUCKET is set (README, "Files"), else MEDIA_ROOT."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOW = (
    "import django; django.setup(); "
    "from django.core.files.storage import storages; s = storages['default']; "
    "print(type(s).__name__, getattr(s, 'bucket_name', ''), getattr(s, 'endpoint_url', ''), "
    "getattr(s, 'location', ''), getattr(s, 'file_overwrite', ''))"
)


def default_storage_with(**variables):
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("S3_", "AWS_"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings_test", **variables)
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_default_storage_is_media_root_without_s3_bucket():
    assert default_storage_with()[0] == "FileSystemStorage"


def test_default_storage_is_s3_bucket_from_environment():
    storage = default_storage_with(
        S3_BUCKET="samla-media",
        S3_ENDPOINT_URL="https://s3.example.org",
        S3_PREFIX="konferens",
        S3_ACCESS_KEY_ID="id",
        S3_SECRET_ACCESS_KEY="secret",
    )

    assert storage == ["S3Storage", "samla-media", "https://s3.example.org", "konferens", "False"]
