# The build VM of a template Packer builds takes an address from the pool; a full
# pool is reported once, as for a VM (PXI0307), not also as a missing network. (The
# container is allocated first: containers come before templates in key order.)
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.100
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [import, iso, vztmpl] }
}

template built {
  host    = pve1
  image   = os.debian_12
  storage = local-lvm
  build { packages = ["curl"] }
}

container taker {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
}
