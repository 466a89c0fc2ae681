"""aesara.tensor.signal: pooling and 2-d convolution of signals."""
