"""Small convolutional networks in NumPy, for notebook 5 (Learned networks).

Every layer has a ``forward`` pass and a ``backward`` pass (the gradient of a loss with
respect to the layer's input, given the gradient with respect to its output, storing the
gradients of its parameters in ``grads``); ``tests/test_nets.py`` checks every backward
pass against finite differences on every parameter. Nothing here is graded, and nothing
happens at import.

Arrays are batches in the layout ``(N, H, W, C)``: N images of C channels (channels last). Convolution
layers compute cross-correlation, as CNN layers do, with four kinds of padding:

* ``"valid"``: none, the output shrinks by ``k - 1``;
* ``"zero"``: ``k // 2`` zeros on each side, the output keeps the input's size (``"same"``);
* ``"full"``: ``k - 1`` zeros on each side, the output grows by ``k - 1`` (every input pixel
  is seen by every kernel position, Kayhan & van Gemert 2020's remedy);
* ``"circular"``: ``k // 2`` pixels wrapped around from the opposite side, size kept.

Pooling: ``MaxPool`` (2 x 2 windows, stride 2), ``BlurPool`` (Zhang 2019's anti-aliased
max pooling: a 2 x 2 maximum at every position, a [1, 2, 1] x [1, 2, 1] / 16 blur, then
every second row and column, with circular borders), and at the end the global poolings or a
``Flatten`` (the dense head of LeNet and VGG).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Array = np.ndarray
PADDINGS = ("valid", "zero", "full", "circular")


def _pad_width(padding: str, k: int) -> int:
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}, not {padding!r}")
    if padding in ("zero", "circular") and k % 2 == 0:
        raise ValueError(f"padding {padding!r} needs an odd kernel size, not {k}")
    return {"valid": 0, "zero": k // 2, "full": k - 1, "circular": k // 2}[padding]


def pad(x: Array, padding: str, k: int) -> Array:
    """Pad the two spatial axes (1 and 2) of ``x`` ``(N, H, W, C)`` as a ``k x k``
    convolution with ``padding`` does."""
    p = _pad_width(padding, k)
    if p == 0:
        return x
    widths = [(0, 0), (p, p), (p, p)] + [(0, 0)] * (x.ndim - 3)
    return np.pad(x, widths, mode="wrap" if padding == "circular" else "constant")


def unpad(dx: Array, padding: str, k: int) -> Array:
    """The transpose of :func:`pad`: gradients of the padded array back onto the input
    (circular padding adds the wrapped borders back where they came from)."""
    p = _pad_width(padding, k)
    if p == 0:
        return dx
    if padding == "circular":
        dx = dx.copy()
        dx[:, -2 * p:-p] += dx[:, :p]
        dx[:, p:2 * p] += dx[:, -p:]
        dx[:, :, -2 * p:-p] += dx[:, :, :p]
        dx[:, :, p:2 * p] += dx[:, :, -p:]
    return dx[:, p:-p, p:-p]


class Layer:
    """A layer: ``forward(x)`` returns the output and keeps what ``backward`` needs."""

    params: dict[str, Array]
    grads: dict[str, Array]

    def __init__(self) -> None:
        self.params, self.grads = {}, {}

    def forward(self, x: Array) -> Array:  # pragma: no cover - interface
        raise NotImplementedError

    def backward(self, dy: Array) -> Array:  # pragma: no cover - interface
        raise NotImplementedError


class Conv(Layer):
    """``channels_out`` learned ``k x k`` cross-correlation kernels over all input channels,
    plus a bias per output channel unless ``bias=False`` (Kayhan & van Gemert's networks have
    none). Weights have shape ``(k, k, channels_in, channels_out)``."""

    def __init__(self, channels_in: int, channels_out: int, k: int, padding: str, rng: np.random.Generator,
                 bias: bool = True):
        super().__init__()
        _pad_width(padding, k)
        self.k, self.padding = k, padding
        scale = np.sqrt(2.0 / (channels_in * k * k))  # He initialisation, for ReLU networks
        self.params = {"w": rng.normal(0.0, scale, size=(k, k, channels_in, channels_out))}
        if bias:
            self.params["b"] = np.zeros(channels_out)

    def forward(self, x: Array) -> Array:
        xp = pad(x, self.padding, self.k)
        n, h, w, c = xp.shape
        k = self.k
        ho, wo = h - k + 1, w - k + 1
        if ho < 1 or wo < 1:
            raise ValueError(f"a {k} x {k} kernel does not fit in a {h} x {w} input")
        # im2col: every k x k x c window as one row, ordered (u, v, channel) like the weights
        cols = np.empty((n, ho, wo, k, k, c), dtype=xp.dtype)
        for u in range(k):
            for v in range(k):
                cols[:, :, :, u, v, :] = xp[:, u:u + ho, v:v + wo, :]
        cols = cols.reshape(n * ho * wo, k * k * c)
        self._cache = (xp.shape, cols)
        out = cols @ self.params["w"].reshape(k * k * c, -1)
        if "b" in self.params:
            out += self.params["b"]
        return out.reshape(n, ho, wo, -1)

    def backward(self, dy: Array) -> Array:
        shape, cols = self._cache
        n, h, w, c = shape
        k = self.k
        _, ho, wo, f = dy.shape
        dflat = dy.reshape(-1, f)
        self.grads = {"w": (cols.T @ dflat).reshape(self.params["w"].shape)}
        if "b" in self.params:
            self.grads["b"] = dflat.sum(axis=0)
        weights = self.params["w"]
        dxp = np.zeros(shape, dtype=dy.dtype)
        for u in range(k):
            for v in range(k):
                dxp[:, u:u + ho, v:v + wo, :] += dy @ weights[u, v].T
        return unpad(dxp, self.padding, k)


class ReLU(Layer):
    def forward(self, x: Array) -> Array:
        self._mask = x > 0
        return np.where(self._mask, x, 0.0)

    def backward(self, dy: Array) -> Array:
        return np.where(self._mask, dy, 0.0)


class MaxPool(Layer):
    """2 x 2 max pooling with stride 2 (an odd leftover row or column is dropped)."""

    def forward(self, x: Array) -> Array:
        n, h, w, c = x.shape
        ho, wo = h // 2, w // 2
        parts = np.stack([x[:, a:2 * ho:2, b:2 * wo:2] for a in (0, 1) for b in (0, 1)])
        arg = parts.argmax(axis=0)
        self._cache = (x.shape, arg)
        return np.take_along_axis(parts, arg[None], axis=0)[0]

    def backward(self, dy: Array) -> Array:
        shape, arg = self._cache
        _, ho, wo, _ = dy.shape
        dx = np.zeros(shape, dtype=dy.dtype)
        for index, (a, b) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
            dx[:, a:2 * ho:2, b:2 * wo:2] = np.where(arg == index, dy, 0.0)
        return dx


BLUR = np.outer([1.0, 2.0, 1.0], [1.0, 2.0, 1.0]) / 16.0
_MOVES = [(0, 0), (0, 1), (1, 0), (1, 1)]


class BlurPool(Layer):
    """Anti-aliased max pooling (Zhang 2019, "MaxBlurPool"), circular at the borders: the
    maximum of the 2 x 2 window starting at every pixel (stride 1), blurred with
    [1, 2, 1] x [1, 2, 1] / 16, then every second row and column from the first. Needs even
    height and width."""

    def forward(self, x: Array) -> Array:
        n, h, w, c = x.shape
        if h % 2 or w % 2:
            raise ValueError(f"BlurPool needs an even height and width, not {h} x {w}")
        shifted = np.stack([np.roll(x, (-a, -b), axis=(1, 2)) for a, b in _MOVES])
        arg = shifted.argmax(axis=0)
        m = np.take_along_axis(shifted, arg[None], axis=0)[0]
        # the blur is separable: [1, 2, 1] / 4 down the rows, then along the columns
        m = (np.roll(m, 1, axis=1) + 2 * m + np.roll(m, -1, axis=1)) / 4
        m = (np.roll(m, 1, axis=2) + 2 * m + np.roll(m, -1, axis=2)) / 4
        self._cache = (x.shape, arg)
        return m[:, ::2, ::2]

    def backward(self, dy: Array) -> Array:
        shape, arg = self._cache
        d = np.zeros(shape, dtype=dy.dtype)
        d[:, ::2, ::2] = dy
        d = (np.roll(d, -1, axis=2) + 2 * d + np.roll(d, 1, axis=2)) / 4
        d = (np.roll(d, -1, axis=1) + 2 * d + np.roll(d, 1, axis=1)) / 4
        dx = np.zeros(shape, dtype=dy.dtype)
        for index, move in enumerate(_MOVES):
            dx += np.roll(np.where(arg == index, d, 0.0), move, axis=(1, 2))
        return dx


class GlobalMaxPool(Layer):
    """The largest value of each channel: ``(N, H, W, C) -> (N, C)``."""

    def forward(self, x: Array) -> Array:
        flat = x.reshape(x.shape[0], -1, x.shape[3])
        self._cache = (x.shape, flat.argmax(axis=1))
        return flat.max(axis=1)

    def backward(self, dy: Array) -> Array:
        shape, arg = self._cache
        flat = np.zeros((shape[0], shape[1] * shape[2], shape[3]), dtype=dy.dtype)
        np.put_along_axis(flat, arg[:, None, :], dy[:, None, :], axis=1)
        return flat.reshape(shape)


class GlobalAvgPool(Layer):
    """The mean of each channel: ``(N, H, W, C) -> (N, C)``."""

    def forward(self, x: Array) -> Array:
        self._shape = x.shape
        return x.mean(axis=(1, 2))

    def backward(self, dy: Array) -> Array:
        n, h, w, c = self._shape
        return np.broadcast_to(dy[:, None, None, :] / (h * w), self._shape).copy()


class Flatten(Layer):
    """Every value of the map in one vector: ``(N, H, W, C) -> (N, H * W * C)``, the head of
    LeNet and VGG (a dense layer then gives every position weights of its own)."""

    def forward(self, x: Array) -> Array:
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy: Array) -> Array:
        return dy.reshape(self._shape)


class Linear(Layer):
    """``(N, D) -> (N, K)``: ``x @ w + b``."""

    def __init__(self, d_in: int, d_out: int, rng: np.random.Generator):
        super().__init__()
        self.params = {"w": rng.normal(0.0, np.sqrt(1.0 / d_in), size=(d_in, d_out)), "b": np.zeros(d_out)}

    def forward(self, x: Array) -> Array:
        self._x = x
        return x @ self.params["w"] + self.params["b"]

    def backward(self, dy: Array) -> Array:
        self.grads = {"w": self._x.T @ dy, "b": dy.sum(axis=0)}
        return dy @ self.params["w"].T


def softmax_cross_entropy(logits: Array, labels: Array) -> tuple[float, Array]:
    """Mean cross-entropy of ``logits`` (N, K) for integer ``labels`` (N,), and its gradient."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(labels)
    loss = -float(log_p[np.arange(n), labels].mean())
    grad = np.exp(log_p)
    grad[np.arange(n), labels] -= 1.0
    return loss, grad / n


class Network:
    """Layers applied one after the other; the last one's output are the class scores."""

    def __init__(self, layers: Sequence[Layer], dtype: type = np.float64):
        self.layers = list(layers)
        self.dtype = np.dtype(dtype)
        for layer in self.layers:
            for name in layer.params:
                layer.params[name] = layer.params[name].astype(self.dtype)

    def forward(self, x: Array) -> Array:
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim == 3:  # a batch of one-channel images
            x = x[..., None]
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dy: Array) -> None:
        for layer in reversed(self.layers):
            dy = layer.backward(dy)

    def parameters(self) -> list[tuple[Layer, str]]:
        return [(layer, name) for layer in self.layers for name in layer.params]

    def predict(self, images: Array, batch: int = 256) -> Array:
        """The predicted class of each image (an int array)."""
        images = np.asarray(images, dtype=self.dtype)
        return np.concatenate([self.forward(images[i:i + batch]).argmax(axis=1)
                               for i in range(0, len(images), batch)])


def conv_net(*, channels_in: int = 1, widths: Sequence[int] = (8, 8), classes: int = 2, k: int = 3,
             padding: str = "zero", pool: str | None = None, head: str = "max", bias: bool = True, seed: int = 0,
             dtype: type = np.float64, size: int | None = None) -> Network:
    """Convolution + ReLU blocks (each followed by ``pool``: None, "max" or "blur"), then a
    ``head``: a global pooling ("max" or "avg"), or "flatten" (:class:`Flatten`, which needs the
    input's ``size``, its height and width), and a linear layer to ``classes`` scores.
    ``bias=False`` leaves the convolutions without biases (the linear layer keeps its own).
    The weights are drawn from ``seed``; ``dtype=np.float32`` trains about twice as fast."""
    rng = np.random.default_rng(seed)
    layers: list[Layer] = []
    previous = channels_in
    for width in widths:
        layers += [Conv(previous, width, k, padding, rng, bias), ReLU()]
        if pool == "max":
            layers.append(MaxPool())
        elif pool == "blur":
            layers.append(BlurPool())
        elif pool is not None:
            raise ValueError(f'pool must be None, "max" or "blur", not {pool!r}')
        previous = width
    if head not in ("max", "avg", "flatten"):
        raise ValueError(f'head must be "max", "avg" or "flatten", not {head!r}')
    if head == "flatten":
        if size is None:
            raise ValueError('head="flatten" needs the input size')
        features = int(np.prod(Network(layers).forward(np.zeros((1, size, size, channels_in))).shape[1:]))
        layers += [Flatten(), Linear(features, classes, rng)]
    else:
        layers += [GlobalMaxPool() if head == "max" else GlobalAvgPool(), Linear(previous, classes, rng)]
    return Network(layers, dtype)


def receptive_field(net: Network | Sequence[Layer]) -> int:
    """How many input pixels wide (and high) the window is that one unit of the last spatial map
    sees: the layers up to the first global pooling, each growing it by ``(k - 1)`` times the
    product of the strides before it (a ``k x k`` convolution: ``k``, stride 1; ``MaxPool``: 2,
    stride 2; ``BlurPool``: a 2 x 2 maximum, a 3 x 3 blur, stride 2). Padding does not change it:
    with zero padding the window of a unit near the border reaches into the padding."""
    layers = net.layers if isinstance(net, Network) else list(net)
    size, jump = 1, 1
    for layer in layers:
        if isinstance(layer, (GlobalMaxPool, GlobalAvgPool, Flatten, Linear)):
            break
        if isinstance(layer, Conv):
            size += (layer.k - 1) * jump
        elif isinstance(layer, MaxPool):
            size += jump
            jump *= 2
        elif isinstance(layer, BlurPool):
            size += jump + 2 * jump
            jump *= 2
    return size


def train(net: Network, images: Array, labels: Array, *, epochs: int = 10, batch: int = 32, lr: float = 0.01,
          seed: int = 0, progress: Callable | None = None, desc: str = "training") -> list[float]:
    """Adam on mini-batches (shuffled with ``seed``); returns the mean loss of each epoch.

    ``progress`` wraps the range of epochs (pass ``tqdm.auto.tqdm`` for a progress bar)."""
    images, labels = np.asarray(images, dtype=net.dtype), np.asarray(labels)
    rng = np.random.default_rng(seed)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    state = {(id(layer), name): (np.zeros_like(layer.params[name]), np.zeros_like(layer.params[name]))
             for layer, name in net.parameters()}
    step, losses = 0, []
    epochs_range = range(epochs) if progress is None else progress(range(epochs), desc=desc, unit="epoch")
    for _ in epochs_range:
        order = rng.permutation(len(images))
        total = 0.0
        for start in range(0, len(images), batch):
            chosen = order[start:start + batch]
            loss, grad = softmax_cross_entropy(net.forward(images[chosen]), labels[chosen])
            net.backward(grad)
            step += 1
            for layer, name in net.parameters():
                m, v = state[(id(layer), name)]
                g = layer.grads[name]
                m *= beta1
                m += (1 - beta1) * g
                v *= beta2
                v += (1 - beta2) * g * g
                layer.params[name] -= lr * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + eps)
            total += loss * len(chosen)
        losses.append(total / len(images))
    return losses


def locally_connected2d(image: Array, kernels: Array, padding: str = "circular") -> Array:
    """A locally connected layer on one 2-D image: like a convolution, but with its own
    ``k x k`` kernel at every output pixel (``kernels`` has shape ``(H, W, k, k)``), so
    nothing is shared between positions. With every kernel equal it is a convolution."""
    image = np.asarray(image, dtype=float)
    kernels = np.asarray(kernels, dtype=float)
    if image.ndim != 2 or kernels.ndim != 4 or kernels.shape[2] != kernels.shape[3]:
        raise ValueError("image must be 2-D and kernels of shape (H, W, k, k)")
    k = kernels.shape[2]
    padded = pad(image[None, :, :, None], padding, k)[0, :, :, 0]
    windows = np.lib.stride_tricks.sliding_window_view(padded, (k, k))
    if windows.shape[:2] != kernels.shape[:2]:
        raise ValueError(f"kernels must have shape {windows.shape[:2] + (k, k)}, not {kernels.shape}")
    return np.einsum("ijuv,ijuv->ij", windows, kernels)
