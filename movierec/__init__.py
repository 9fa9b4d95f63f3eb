"""movierec: a PostgreSQL + pgvector movie recommender."""

__version__ = "0.11.0"
