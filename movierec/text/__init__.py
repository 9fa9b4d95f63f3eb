"""Records → tokens: the words and entity tokens a movie is embedded and classified from."""
