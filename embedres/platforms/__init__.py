"""Everything embedres knows about each social platform, one module per platform, in a registry."""
