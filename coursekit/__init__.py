"""Helpers for the notebooks of the course *Translation Invariance & Equivariance in CNNs*.

Small on purpose: loading the course photos, making synthetic test images, drawing
figures, and the plain-language checks that the visible tests use. Nothing here is
graded and nothing here solves an exercise.
"""

from coursekit.checks import (
    call,
    check_array,
    check_float,
    check_int,
    check_integer_argument,
    check_new_array,
    check_raises,
    check_unmodified,
    no_warnings,
    snapshot,
)
from coursekit.data import DATA_DIR, load_photo, photo_names
from coursekit.images import bright_pixel_image, random_image
from coursekit.nets import Network, conv_net, locally_connected2d, train
from coursekit.plotting import image_figure, show_images
from coursekit.widgets import LiveFigure, figure_png

__all__ = [
    "DATA_DIR",
    "LiveFigure",
    "Network",
    "bright_pixel_image",
    "call",
    "check_array",
    "check_float",
    "check_int",
    "check_integer_argument",
    "check_new_array",
    "check_raises",
    "check_unmodified",
    "conv_net",
    "figure_png",
    "image_figure",
    "load_photo",
    "locally_connected2d",
    "no_warnings",
    "photo_names",
    "random_image",
    "show_images",
    "snapshot",
    "train",
]
