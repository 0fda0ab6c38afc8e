# Packer's build VM takes an address from a pool: a template Packer builds on a host
# whose networks have none is an error. A template Terraform makes needs no address.
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
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images] }
  storage local     { type = dir, path = "/var/lib/vz", content = [import, iso] }
}

template built {
  host    = pve1
  image   = os.debian_12
  storage = local-lvm
  build { packages = ["curl"] }
}

template made {
  host    = pve1
  image   = os.debian_12
  storage = local-lvm
}
