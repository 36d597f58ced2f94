"""genlab.viz (provided): image grids are torchvision's make_grid, written with save_image."""
import torch
from PIL import Image

from autograder.reference import reference

viz = reference("viz")


def test_image_grid_writes_make_grids_pixels_as_a_png(tmp_path):
    # Two 8x8 images, black and white, one row: make_grid puts 2 px of padding around each,
    # so the PNG is 8 + 2 * 2 = 12 rows by 2 * 8 + 3 * 2 = 22 columns.
    images = torch.stack([torch.zeros(8, 8), torch.ones(8, 8)])
    viz.image_grid(images, nrow=2, path=tmp_path / "grid.png")
    png = torch.tensor(list(Image.open(tmp_path / "grid.png").convert("L").getdata()), dtype=torch.float32).view(12, 22)
    assert png[2:10, 2:10].max() == 0, "the black image must be black"
    assert png[2:10, 12:20].min() == 255, "the white image must be white"
    assert png[0].min() == 255, "the padding is white"


def test_image_grid_maps_signed_values_and_flat_digits():
    flat = torch.full((3, 64), -1.0)              # flat (N, 64) digits in [-1, 1]: black after mapping
    fig = viz.image_grid(flat, nrow=3, title="digits")
    shown = fig.axes[0].images[0].get_array()
    assert shown.shape == (12, 3 * 8 + 4 * 2, 3)
    assert float(shown[2:10, 2:10].max()) == 0.0 and fig.axes[0].get_title() == "digits"


def test_image_grid_wraps_rows_at_nrow():
    fig = viz.image_grid(torch.rand(5, 1, 8, 8), nrow=2)
    assert fig.axes[0].images[0].get_array().shape[:2] == (3 * 8 + 4 * 2, 2 * 8 + 3 * 2)
