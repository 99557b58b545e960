"""Parts 1-4 of ../shared/OUTLINE.md (the content contract): each item is taught on
the page named here, which is in the table of contents and names the item's key
ideas. A page that is renamed, dropped or stripped of a topic fails here."""

import re

import pytest

from test_course import BOOK, ROOT, TOC, toc_files

# outline item -> (page, words the page must use; a "|" separates alternatives)
OUTLINE = {
    "1.1": ("background/history-and-scope", ["Dartmouth", "perceptron", "backprop", "AlexNet",
                                             "VGG", "Inception|GoogLeNet", "ResNet", "Transformer"]),
    "1.2": ("background/history-and-scope", ["feature", "end-to-end", "transfer",
                                             "data", "compute", "interpretab", "generali"]),
    "1.3": ("background/history-and-scope", ["vision", "language", "speech", "recommend",
                                             "finance", "medic", "driving"]),
    "2.1": ("concepts/neuron", ["input", "hidden", "output", "nn.Linear", "layers.Dense"]),
    "2.2": ("concepts/activations", ["sigmoid", "tanh", "ReLU", "derivative", "slider_demo"]),
    "2.3": ("concepts/losses", ["mean squared error", "cross-entropy", "logits"]),
    "2.4": ("concepts/optimizers", ["gradient descent", "SGD", "momentum", "RMSProp", "Adam",
                                    "learning rate", "Rosenbrock", "saddle", "slider_demo"]),
    "2.5": ("concepts/network-families", ["fully connected", "convolutional", "recurrent"]),
    "2.5 bias": ("concepts/inductive-bias", ["shuffled|permut", "equivarian"]),
    "2.6": ("concepts/batchnorm-dropout", ["BatchNorm|batch normalization", "dropout"]),
    "2.6 residual": ("concepts/residual-connections", ["skip", "residual", "gradient"]),
    "2.6 transfer": ("concepts/transfer-learning", ["transfer", "fine-tun", "frozen|freez"]),
    "2.7": ("concepts/regularization", ["L1", "L2", "weight decay", "slider_demo"]),
    "2.7 decay": ("concepts/weight-decay", ["AdamW", "weight_decay"]),
    "2.8": ("concepts/feature-hierarchies", ["hierarch", "end-to-end"]),
    "2.8 pre-training": ("concepts/pretraining", ["unsupervised", "autoencoder"]),
    "3.1": ("concepts/training-loop", ["forward", "loss", "backward", "GradientTape",
                                         "model.fit"]),
    "3.1 practice": ("concepts/training-in-practice", ["validation", "test set", "EarlyStopping",
                                                      "state_dict", ".keras"]),
    "3.2": ("algorithms/gradient-descent-variants", ["mini-batch", "stochastic", "batch size",
                                                     "slider_demo"]),
    "3.3": ("algorithms/convolution-pooling", ["stride", "padding", "dilation", "pooling"]),
    "3.3 head": ("algorithms/cnn-building-blocks", ["softmax", "flatten", "slider_demo"]),
    "3.4": ("algorithms/recurrent-networks", ["through time", "LSTM", "GRU", "gate",
                                              "slider_demo"]),
    "3.4 training": ("algorithms/sequence-training", ["clip_grad_norm_", "global_clipnorm",
                                                     "validation", "slider_demo"]),
    "3.5": ("algorithms/gan-training", ["generator", "discriminator", "slider_demo"]),
    "3.5 conditional": ("algorithms/conditional-gan", ["conditional", "CycleGAN", "cycle"]),
    "4.1": ("math/fully-connected", ["neuron", "layer"]),
    "4.2": ("math/convolution-pooling", ["forward", "max", "average"]),
    "4.3": ("math/convolution-pooling", ["backward", "finite_differences"]),
    "4.3 fc": ("math/fully-connected", ["backward", "delta", "finite_differences"]),
    "4.4": ("math/rnn-bptt", ["through time", "W_{hh}", "finite_differences"]),
    "4.4 gated": ("math/lstm-gru", ["LSTM", "GRU", "gate", "reset_after"]),
    "4.5": ("math/losses-and-penalties", ["squared", "cross-entropy", "softmax", "L1", "L2"]),
    "4.6": ("math/fully-connected", ["w \\leftarrow|\\leftarrow", "SGD"]),
}


@pytest.mark.parametrize("item", OUTLINE)
def test_outline_item_is_taught(item):
    page, words = OUTLINE[item]
    assert f"book/{page}" in toc_files(TOC), f"{item}: book/{page} is not in _toc.yml"
    text = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    for word in words:
        assert any(re.search(re.escape(w), text, re.I) for w in word.split("|")), \
            f"{item}: book/{page}.md never mentions {word!r}"


def test_every_outline_item_of_parts_1_to_4_is_mapped():
    outline = ROOT.parent / "shared" / "OUTLINE.md"
    if not outline.exists():
        pytest.skip("the outline lives beside the project, in ../shared/")
    items = set(re.findall(r"^\s*([1-4]\.[0-9])\s", outline.read_text(), re.M))
    items |= set(re.findall(r"\s([1-4]\.[0-9]) ", outline.read_text()))
    mapped = {item.split()[0] for item in OUTLINE}
    assert items <= mapped, f"outline items with no page: {sorted(items - mapped)}"
