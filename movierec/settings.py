"""The one place movierec reads its ``MOVIEREC_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _default_home() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("movierec"))


@dataclass(frozen=True)
class Settings:
    """Runtime configuration, taken from the environment."""

    database_url: str | None
    """``MOVIEREC_DATABASE_URL``: any PostgreSQL with pgvector; unset means the embedded server."""

    home: Path
    """``MOVIEREC_HOME``: where the embedded server keeps its data (default: user data dir)."""

    api_token: str | None = None
    """``MOVIEREC_API_TOKEN``: the bearer token ``movierec serve`` wants for adding films
    (``POST /api/v1/movies``); unset, adding is off."""

    @property
    def pgdata(self) -> Path:
        """The embedded server's data directory."""
        return self.home / "pgdata"


def get_settings() -> Settings:
    """Read the settings from the environment (each call reads it afresh)."""
    url = os.environ.get("MOVIEREC_DATABASE_URL") or None
    home_env = os.environ.get("MOVIEREC_HOME")
    home = Path(home_env).expanduser() if home_env else _default_home()
    token = os.environ.get("MOVIEREC_API_TOKEN") or None
    return Settings(database_url=url, home=home, api_token=token)
