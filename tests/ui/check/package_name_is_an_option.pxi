# Package names reach `apt-get` or `dnf` as one argument each (Ansible's package
# modules, a shell line in a Packer build): one starting with `-` would be read as
# an option, and `-oDPkg::Pre-Invoke::=…` runs a command as root. Wildcards stay.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address  = 10.0.0.2
  packages = ["htop", "-oDPkg::Pre-Invoke::=touch /tmp/pwned"]
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images] }
  storage local     { type = dir, path = "/var/lib/vz", content = [import, iso] }
}

role tools {
  packages = ["python3-*", "--allow-unauthenticated", "curl wget"]
}

template built {
  host    = pve1
  image   = os.debian_12
  storage = local-lvm
  build { packages = ["curl", "nginx\n-y"] }
}
