# pxic answers Ubuntu's and Debian's installers only: a Rocky Linux ISO is an error,
# its cloud image with a `build` block is fine.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.109
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images] }
  storage local     { type = dir, path = "/var/lib/vz", content = [import, iso] }
}

template rocky-iso {
  host    = pve1
  image   = os.rocky_9_iso
  storage = local-lvm
}

template rocky-cloud {
  host    = pve1
  image   = os.rocky_9
  storage = local-lvm
  build { packages = ["curl"] }
}
