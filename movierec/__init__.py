"""movierec: a PostgreSQL + pgvector movie recommender."""

__version__ = "0.10.0"
