"""Tokens and ratings → vectors: Doc2Vec or MiniLM text vectors, collaborative item vectors,
the genre spectrum, and the stored content + collaborative embedding (content.py)."""
