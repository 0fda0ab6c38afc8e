# `host pve-a` without its `=`: read as a block `host` labelled `pve-a`, the parser
# stumbles on the next line. The error is about the missing `=` on this line.
vm web-01 {
  host     pve-a
  template = ubuntu-2404
}

# `network lan` is a block, not an attribute: there the `{` is what is missing.
vm web-02 {
  network lan
  template = ubuntu-2404
}
