// The Transfer module.
