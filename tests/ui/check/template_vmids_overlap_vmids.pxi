# `template_vmids` that overlap the guests' `vmids` (here the default 100 .. 9999)
# would let templates take VMIDs among the guests again (PXI0387).
cluster lab {
  endpoint       = "https://10.0.0.2:8006/"
  template_vmids = 9000 .. 9099
}
