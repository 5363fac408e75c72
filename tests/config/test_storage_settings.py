"""Where attachments' bytes go: local files by default, an S3-compatible bucket when set."""

import pytest
from django.core.files.storage import storages
from django.test import override_settings

from config import env

S3_VARIABLES = (
    "POLYDESK_S3_BUCKET",
    "POLYDESK_S3_ENDPOINT_URL",
    "POLYDESK_S3_REGION",
    "POLYDESK_S3_ACCESS_KEY_ID",
    "POLYDESK_S3_SECRET_ACCESS_KEY",
    "POLYDESK_S3_PREFIX",
)


@pytest.fixture
def clean_environment(monkeypatch):
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_files_stay_on_the_local_disk_by_default(clean_environment):
    assert env.default_storage_settings() == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_a_bucket_chooses_django_storages_s3_backend(clean_environment):
    clean_environment.setenv("POLYDESK_S3_BUCKET", "polydesk-files")
    clean_environment.setenv("POLYDESK_S3_ENDPOINT_URL", "https://s3.eu-central-003.example")
    clean_environment.setenv("POLYDESK_S3_REGION", "eu-central-003")
    clean_environment.setenv("POLYDESK_S3_ACCESS_KEY_ID", "key-id")
    clean_environment.setenv("POLYDESK_S3_SECRET_ACCESS_KEY", "secret")
    clean_environment.setenv("POLYDESK_S3_PREFIX", "/prod/")
    chosen = env.default_storage_settings()
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["OPTIONS"] == {
        "bucket_name": "polydesk-files",
        "endpoint_url": "https://s3.eu-central-003.example",
        "region_name": "eu-central-003",
        "access_key": "key-id",
        "secret_key": "secret",
        "location": "prod",
        "default_acl": "private",
        "file_overwrite": True,
        "max_memory_size": 1024 * 1024,
    }


def test_the_s3_backend_is_built_from_those_settings_without_reaching_the_network(
    clean_environment,
):
    """The options are ones django-storages knows (a misspelt one raises here)."""

    clean_environment.setenv("POLYDESK_S3_BUCKET", "polydesk-files")
    clean_environment.setenv("POLYDESK_S3_ENDPOINT_URL", "http://127.0.0.1:9")
    clean_environment.setenv("POLYDESK_S3_ACCESS_KEY_ID", "key-id")
    clean_environment.setenv("POLYDESK_S3_SECRET_ACCESS_KEY", "secret")
    with override_settings(
        STORAGES={
            "default": env.default_storage_settings(),
            "staticfiles": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        }
    ):
        storage = storages.create_storage(storages.backends["default"])
    assert type(storage).__name__ == "S3Storage"
    assert (storage.bucket_name, storage.endpoint_url) == ("polydesk-files", "http://127.0.0.1:9")
    assert storage.url("attachments/x").startswith("http://127.0.0.1:9/polydesk-files/")
    # A download over 1 MB spills from memory to a temporary file.
    assert storage.max_memory_size == 1024 * 1024
    spooled = storage.open("attachments/x", "w")._get_file()
    assert spooled._max_size == 1024 * 1024
