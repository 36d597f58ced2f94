"""The opt-in real datasets in genlab.data, read through torchvision's loaders: each is tested on a
small local stand-in written in the dataset's own file format, never the network."""
import struct

import pytest
import torch
from PIL import Image

from autograder.reference import reference

data = reference("data")


def write_idx(path, array, magic):
    """An IDX file as MNIST ships it: a big-endian magic number, the sizes, then unsigned bytes."""
    with open(path, "wb") as f:
        f.write(struct.pack(">I", magic) + b"".join(struct.pack(">I", n) for n in array.shape))
        f.write(array.to(torch.uint8).numpy().tobytes())


@pytest.fixture
def mnist_stand_in(tmp_path):
    """Six training and four test digits of 28x28 in MNIST/raw/, image i filled with the value 40 * i."""
    raw = tmp_path / "mnist" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, n in (("train", 6), ("t10k", 4)):
        images = (40 * torch.arange(n)).view(n, 1, 1).expand(n, 28, 28)
        write_idx(raw / f"{prefix}-images-idx3-ubyte", images, 2051)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", torch.arange(n) % 10, 2049)
    return tmp_path / "mnist"


def test_load_mnist_reads_torchvisions_format_from_the_cache_without_downloading(mnist_stand_in, monkeypatch):
    monkeypatch.setenv("GENLAB_CACHE", str(mnist_stand_in.parent))
    monkeypatch.setattr("torchvision.datasets.mnist.download_and_extract_archive",
                        lambda *a, **k: pytest.fail("load_mnist tried to download a copy it already has"))
    x, y = data.load_mnist("train", root=mnist_stand_in)
    assert x.shape == (6, 784) and x.dtype == torch.float32 and y.tolist() == [0, 1, 2, 3, 4, 5]
    torch.testing.assert_close(x[:, 0], 40 * torch.arange(6.0) / 255)
    x_test, y_test = data.load_mnist("test", size=8, signed=True, images=True, root=mnist_stand_in)
    assert x_test.shape == (4, 1, 8, 8) and y_test.tolist() == [0, 1, 2, 3]
    torch.testing.assert_close(x_test[:, 0, 0, 0], 40 * torch.arange(4.0) / 255 * 2 - 1)


def test_load_mnist_refuses_an_unknown_split(mnist_stand_in):
    with pytest.raises(ValueError, match="split"):
        data.load_mnist("validation", root=mnist_stand_in)


ATTRIBUTES = [f"Attr_{i}" for i in range(40)]


@pytest.fixture
def celeba_stand_in(tmp_path, monkeypatch):
    """Six photos in CelebA's layout (celeba/img_align_celeba/*.jpg, 178x218, and its list files);
    photo i is a flat grey of 40 * i; partitions 0, 0, 0, 1, 2, 2 (torchvision cannot read a
    partition of exactly one photo). CelebA's real list files are
    checked against their MD5 sums, which a stand-in cannot match: only that check is bypassed."""
    folder = tmp_path / "celeba"
    (folder / "img_align_celeba").mkdir(parents=True)
    names = [f"{i + 1:06d}.jpg" for i in range(6)]
    for i, name in enumerate(names):
        Image.new("RGB", (178, 218), (40 * i,) * 3).save(folder / "img_align_celeba" / name, quality=100)
    lines = {
        "list_eval_partition.txt": [f"{n} {p}" for n, p in zip(names, [0, 0, 0, 1, 2, 2])],
        "identity_CelebA.txt": [f"{n} {i}" for i, n in enumerate(names)],
        "list_bbox_celeba.txt": ["6", "image_id x_1 y_1 width height"] + [f"{n} 1 2 3 4" for n in names],
        "list_landmarks_align_celeba.txt": ["6", " ".join(f"p{j}" for j in range(10))]
        + [f"{n} " + " ".join(["7"] * 10) for n in names],
        "list_attr_celeba.txt": ["6", " ".join(ATTRIBUTES)]
        + [f"{n} " + " ".join("1" if j == i else "-1" for j in range(40)) for i, n in enumerate(names)],
    }
    for name, rows in lines.items():
        (folder / name).write_text("\n".join(rows) + "\n")
    monkeypatch.setattr("torchvision.datasets.celeba.check_integrity", lambda path, md5=None: True)
    return tmp_path


def test_load_celeba_faces_gives_grey_squares_in_minus_one_one_and_the_split(celeba_stand_in):
    images, attributes = data.load_celeba_faces("train", size=16, root=celeba_stand_in)
    assert images.shape == (3, 1, 16, 16) and images.dtype == torch.float32
    torch.testing.assert_close(images.mean(dim=(1, 2, 3)), torch.tensor([0, 40, 80]) / 255 * 2 - 1, atol=0.02, rtol=0)
    assert attributes.shape == (3, 40) and attributes.dtype == torch.int64
    assert attributes[1].tolist() == [0, 1] + [0] * 38, "CelebA's -1/1 attributes become 0/1"
    test_images, _ = data.load_celeba_faces("test", size=8, root=celeba_stand_in)
    assert test_images.shape == (2, 1, 8, 8)


def test_load_celeba_faces_limit_reads_the_first_photos_only(celeba_stand_in):
    images, attributes = data.load_celeba_faces("all", size=8, limit=2, root=celeba_stand_in)
    assert images.shape == (2, 1, 8, 8) and attributes.shape == (2, 40)
