"""The query path: title lookup, the one similarity query, taste profiles, explanations and
evaluation. Nothing here imports torch, gensim or pandas."""
