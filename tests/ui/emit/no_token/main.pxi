# A cluster without a token: the provider takes credentials from its own environment
# variables. A VM whose name starts with a digit still gets a valid Terraform identifier.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local { type = dir, path = "/var/lib/vz", content = [images, import] }
}

template rocky {
  host    = pve1
  vmid    = 9000
  image   = os.rocky_9
  storage = local
}

vm "2nd-vm" {
  host     = pve1
  template = rocky
  network lan { ip = 10.0.0.50 }
}
