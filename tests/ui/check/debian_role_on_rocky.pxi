# A role for Debian and Ubuntu on a Rocky Linux VM (PXI0376): std.roles installs with
# apt and filters with ufw. A role without `os` is for any family; one that names
# Rocky fits.

use std.os
use std.roles

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

role common {
  depends  = [roles.base, roles.ssh_hardening]
  packages = ["tmux"]
}

role erp {
  os       = [rocky, almalinux]
  packages = ["java-17-openjdk-headless"]
}

role anywhere {
  packages = ["rsync"]
}

template rocky-9 {
  host    = pve1
  image   = os.rocky_9
  storage = local-lvm
}

vm erp-01 {
  host     = pve1
  template = rocky-9
  network lan { ip = auto }
  user ops { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops"], sudo = true }
  roles    = [common, erp, anywhere, roles.docker]
}
