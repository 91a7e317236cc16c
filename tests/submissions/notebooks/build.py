"""Write the EECS 182 reference and template notebooks and this folder's corpus of notebooks
made the ways students make them. Run ``python tests/submissions/notebooks/build.py`` after
changing a cell here; the files it writes are committed."""
from __future__ import annotations

import ast
import json
import zipfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent

# -- HandDesignFilters.ipynb -----------------------------------------------------------------
HDF_IMPORTS = """%matplotlib inline
import numpy as np
from scipy import ndimage
import matplotlib.pyplot as plt"""

HDF_IMAGE = """# A test image: a bright square on a gradient, with noise.
rng = np.random.default_rng(0)
gray_img = np.tile(np.linspace(0, 1, 64), (64, 1))
gray_img[20:44, 20:44] += 1.0
gray_img += rng.normal(0, 0.05, gray_img.shape)

def show_multiple_images(images, titles):
    fig, axes = plt.subplots(1, len(images), figsize=(4 * len(images), 4))
    for ax, img, title in zip(axes, images, titles):
        ax.imshow(img, cmap="gray")
        ax.set_title(title)
    plt.show()"""

HDF_BLUR_REF = '''def averaging_filtering(image, filter_size=3):
    """(a) Blur: replace each pixel by the mean of its filter_size x filter_size neighbourhood."""
    kernel = np.ones((filter_size, filter_size)) / (filter_size ** 2)
    return ndimage.convolve(image, kernel)'''

HDF_BLUR_TODO = '''def averaging_filtering(image, filter_size=3):
    """(a) Blur: replace each pixel by the mean of its filter_size x filter_size neighbourhood."""
    # TODO: build the averaging kernel and convolve the image with it
    raise NotImplementedError'''

HDF_BLUR_SHOW = """avg_images, avg_titles = [gray_img], ['original']
for kernel_size in [3, 6, 9]:
    avg_images.append(averaging_filtering(gray_img, kernel_size))
    avg_titles.append(f'{kernel_size}X{kernel_size} Kernel')
show_multiple_images(avg_images, avg_titles)"""

HDF_EDGE_REF = '''def edge_detecting(image):
    """(b) Edges: the Laplacian, which is zero on flat regions and large across edges."""
    kernel = np.array([[0, 1, 0],
                       [1, -4, 1],
                       [0, 1, 0]], dtype=float)
    return ndimage.convolve(image, kernel)'''

HDF_EDGE_TODO = '''def edge_detecting(image):
    """(b) Edges: the Laplacian, which is zero on flat regions and large across edges."""
    # TODO: build a 3x3 Laplacian kernel and convolve the image with it
    raise NotImplementedError'''

HDF_EDGE_SHOW = """edges = edge_detecting(gray_img)
show_multiple_images([gray_img, edges], ['original', 'edges'])"""

# -- EdgeDetection.ipynb ----------------------------------------------------------------------
ED_IMPORTS = """import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
import matplotlib.pyplot as plt
from tqdm import tqdm

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")"""

ED_DATASET = '''class EdgeDetectionDataset(Dataset):
    """Images with a horizontal edge (label 1), a vertical edge (label 2) or none (label 0).

    domain_config: {"num_images_per_class": int, "image_size": int, "noise": float,
                    "edge_width": (lo, hi), "seed": int}
    mode: "train" or "val" (a different seed, so the sets do not overlap)
    """

    def __init__(self, domain_config, mode="train", transform=None):
        cfg = dict(domain_config)
        rng = np.random.default_rng(cfg.get("seed", 0) + (0 if mode == "train" else 1000))
        size, n = cfg["image_size"], cfg["num_images_per_class"]
        lo, hi = cfg.get("edge_width", (1, 2))
        self.images, self.labels = [], []
        for label in range(3):
            for _ in range(n):
                img = rng.normal(0, cfg.get("noise", 0.15), (size, size))
                if label:
                    at, w = rng.integers(1, size - 2), rng.integers(lo, hi + 1)
                    if label == 1:
                        img[at:at + w, :] += 1.0
                    else:
                        img[:, at:at + w] += 1.0
                self.images.append(img.astype(np.float32)[None])
                self.labels.append(label)
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = torch.from_numpy(self.images[i])
        if self.transform is not None:
            x = self.transform(x)
        return x, self.labels[i]'''

ED_MODELS = '''class SimpleCNN(nn.Module):
    def __init__(self, kernel_size=3, num_classes=3):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, kernel_size, padding=kernel_size // 2)
        self.pool = nn.AdaptiveMaxPool2d(1)
        self.fc = nn.Linear(8, num_classes)

    def forward(self, x):
        return self.fc(self.pool(torch.relu(self.conv(x))).flatten(1))


class ThreeLayerMLP(nn.Module):
    def __init__(self, hidden_dims=(64, 64), input_size=16 * 16, num_classes=3):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(input_size, hidden_dims[0]), nn.ReLU(),
            nn.Linear(hidden_dims[0], hidden_dims[1]), nn.ReLU(),
            nn.Linear(hidden_dims[1], num_classes))

    def forward(self, x):
        return self.net(x)'''

ED_TRAIN = '''def train_model(model, train_loader, val_loader, num_epochs, lr):
    """Adam on cross-entropy; returns the history of validation accuracy."""
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history = {"val_acc": []}
    for epoch in tqdm(range(num_epochs)):
        model.train()
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for x, y in val_loader:
                pred = model(x.to(device)).argmax(1).cpu()
                correct += (pred == y).sum().item()
                total += len(y)
        history["val_acc"].append(correct / max(total, 1))
    return history'''

ED_CONFIG_REF = """# Q1 / Q3: dataset configs, data loaders and training settings
domain_config = {"num_images_per_class": 20, "image_size": 16, "noise": 0.15, "edge_width": (1, 2), "seed": 0}
batch_size = 8
cnn_config = {"kernel_size": 3, "num_epochs": 40, "lr": 0.01, "batch_size": batch_size}"""

ED_CONFIG_TODO = """# Q1 / Q3: dataset configs, data loaders and training settings
domain_config = {"num_images_per_class": 20, "image_size": 16, "noise": 0.15, "edge_width": (1, 2), "seed": 0}
batch_size = None  # TODO
# TODO (Q3): settings with which SimpleCNN reaches at least 90% validation accuracy
cnn_config = {"kernel_size": 3, "num_epochs": None, "lr": None, "batch_size": batch_size}"""

ED_LOADERS = """train_loader = DataLoader(EdgeDetectionDataset(domain_config, "train"), batch_size=batch_size, shuffle=True)
val_loader = DataLoader(EdgeDetectionDataset(domain_config, "val"), batch_size=batch_size)"""

ED_RUN = """cnn = SimpleCNN(cnn_config["kernel_size"], num_classes=3)
history = train_model(cnn, train_loader, val_loader, cnn_config["num_epochs"], cnn_config["lr"])
print(f"CNN validation accuracy: {history['val_acc'][-1]:.2%}")
plt.plot(history["val_acc"])
plt.show()"""


def notebook(cells, *, colab=False, md=None):
    nb = new_notebook()
    if md:
        nb.cells.append(new_markdown_cell(md))
    for c in cells:
        nb.cells.append(new_code_cell(c))
    if colab:
        nb.metadata["colab"] = {"provenance": []}
        nb.metadata["accelerator"] = "GPU"
    return nb


def hdf(ref=True):
    return [HDF_IMPORTS, HDF_IMAGE, HDF_BLUR_REF if ref else HDF_BLUR_TODO, HDF_BLUR_SHOW,
            HDF_EDGE_REF if ref else HDF_EDGE_TODO, HDF_EDGE_SHOW]


def ed(ref=True):
    return [ED_IMPORTS, ED_DATASET, ED_MODELS, ED_TRAIN, ED_CONFIG_REF if ref else ED_CONFIG_TODO,
            ED_LOADERS, ED_RUN]


def write(nb, path: Path, *, crlf=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb)
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes(text.encode("utf-8"))


def replace(cells, old, new):
    out = [c.replace(old, new) for c in cells]
    assert out != cells, old
    return out


def csci_cells(name):
    """reference/csci5527_hw3/<name>.py split into one cell per top-level statement."""
    src = (ROOT / "reference" / "csci5527_hw3" / f"{name}.py").read_text()
    lines = src.splitlines()
    cells = []
    for node in ast.parse(src).body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        cells.append("\n".join(lines[start:node.end_lineno]))
    return cells


def main():
    write(notebook(hdf(True), md="# HandDesignFilters"), ROOT / "reference/eecs182_fa23_hw3/HandDesignFilters.ipynb")
    write(notebook(hdf(False), md="# HandDesignFilters"), ROOT / "student_template/eecs182_fa23_hw3/HandDesignFilters.ipynb")
    write(notebook(ed(True), md="# EdgeDetection"), ROOT / "reference/eecs182_fa23_hw3/EdgeDetection.ipynb")
    write(notebook(ed(False), md="# EdgeDetection"), ROOT / "student_template/eecs182_fa23_hw3/EdgeDetection.ipynb")

    eecs = HERE / "eecs182_fa23_hw3"
    # Mutants: one realistic mistake each, named by the check it must lose.
    write(notebook(replace(hdf(), "/ (filter_size ** 2)", ""), md="forgot to normalise"),
          eecs / "blur_unnormalised/HandDesignFilters.ipynb")
    write(notebook(ed()), eecs / "blur_unnormalised/EdgeDetection.ipynb")
    write(notebook(replace(hdf(), "[1, -4, 1]", "[1, 4, 1]")), eecs / "laplacian_sign/HandDesignFilters.ipynb")
    write(notebook(ed()), eecs / "laplacian_sign/EdgeDetection.ipynb")
    write(notebook(replace(hdf(), """[[0, 1, 0],
                       [1, -4, 1],
                       [0, 1, 0]]""", """[[-1, 0, 1],
                       [-2, 0, 2],
                       [-1, 0, 1]]""")), eecs / "sobel_one_orientation/HandDesignFilters.ipynb")
    write(notebook(ed()), eecs / "sobel_one_orientation/EdgeDetection.ipynb")
    write(notebook(hdf()), eecs / "too_few_epochs/HandDesignFilters.ipynb")
    write(notebook(replace(ed(), '"num_epochs": 40, "lr": 0.01', '"num_epochs": 3, "lr": 0.0001')),
          eecs / "too_few_epochs/EdgeDetection.ipynb")
    # As handed in: a Colab export in a zip, renamed by Gradescope, with CRLF line endings.
    colab = eecs / "colab_zip"
    colab.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(colab / "hw3_submission.zip", "w") as z:
        z.writestr("hw3/HandDesignFilters (1).ipynb",
                   nbformat.writes(notebook(["from google.colab import drive\ndrive.mount('/content/drive')"] + hdf(),
                                            colab=True)).replace("\n", "\r\n"))
        z.writestr("hw3/EdgeDetection.ipynb", nbformat.writes(notebook(["!pip install torch"] + ed(), colab=True)))

    # CSCI 5527 HW3 P2-P3 as notebooks, for the equivalence test.
    csci = HERE / "csci5527_hw3_notebooks"
    for name in ("problem2", "problem3"):
        cells = ["%matplotlib inline\n!pip install scipy\nimport matplotlib.pyplot as plt"] + csci_cells(name)
        cells.append("%%time\nprint('demo')\nplt.plot([1, 2]); plt.show()")
        write(notebook(cells, md=f"# CSCI 5527 HW3 {name}", colab=name == "problem2"),
              csci / f"{name.capitalize()} (1).ipynb")
    answers = ROOT / "reference" / "csci5527_hw3" / "answers.txt"
    if answers.exists():
        (csci / "answers.txt").write_bytes(answers.read_bytes())


if __name__ == "__main__":
    main()
    print(json.dumps("done"))
