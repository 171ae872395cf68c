"""Development tools run from the repository root; the mock server never imports them."""
