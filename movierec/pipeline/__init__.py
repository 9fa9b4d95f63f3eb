"""The pipeline: source → catalogue → tokens → vectors and genres → one atomic write.

``load.py`` runs the stages of ``movierec load``; ``add.py`` embeds and classifies new movies
with the stored models; ``models.py`` stores and restores those models.
"""
