# A VM whose host is unknown cannot be checked against a host, but its other
# mistakes are still reported: a tag Proxmox refuses, zero cores, an invalid name.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

vm web_01 {
  host     = pve9
  template = os.debian_12
  cores    = 0
  tags     = ["has space"]
}
