"""DSN handling: masking secrets and converting URL forms."""

from __future__ import annotations

import pytest

from movierec.database.connection import libpq_url, mask_password
from movierec.settings import get_settings


@pytest.mark.parametrize(
    ("dsn", "masked"),
    [
        ("postgresql://bob:s3cret@db:5432/movies", "postgresql://bob:***@db:5432/movies"),
        ("postgresql://bob@db/movies", "postgresql://bob@db/movies"),
        (
            "postgresql://db/movies?password=s3cret&sslmode=require",
            "postgresql://db/movies?password=***&sslmode=require",
        ),
        ("host=db user=bob password=s3cret dbname=m", "host=db user=bob password=*** dbname=m"),
        ("host=db password='a b' dbname=m", "host=db password=*** dbname=m"),
        (
            "postgresql://postgres:@/movierec?host=/tmp/x",
            "postgresql://postgres:@/movierec?host=/tmp/x",
        ),
    ],
)
def test_mask_password(dsn: str, masked: str) -> None:
    assert mask_password(dsn) == masked
    assert "s3cret" not in mask_password(dsn)


def test_libpq_url_drops_driver_suffix() -> None:
    assert libpq_url("postgresql+psycopg://a@b/c") == "postgresql://a@b/c"


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("MOVIEREC_DATABASE_URL", "postgresql://x/y")
    monkeypatch.setenv("MOVIEREC_HOME", str(tmp_path))
    settings = get_settings()
    assert settings.database_url == "postgresql://x/y"
    assert settings.pgdata == settings.home / "pgdata"
    monkeypatch.setenv("MOVIEREC_DATABASE_URL", "")
    assert get_settings().database_url is None
