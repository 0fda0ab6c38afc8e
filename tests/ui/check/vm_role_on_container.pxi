# A role that only fits VMs on a container (PXI0375): roles.base starts the QEMU
# guest agent, which cannot run in LXC, whether listed or needed through `depends`.
# A container-only role on a VM is refused the same way.

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

role baseline {
  depends = [roles.base]
}

role kmsg_reader {
  fits     = container
  packages = ["rsyslog"]
}

template debian-12 {
  host    = pve1
  image   = os.debian_12
  storage = local-lvm
}

container dns-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  user ops { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops"], sudo = true }
  roles    = [roles.base, baseline, roles.essentials]
}

vm app-01 {
  host     = pve1
  template = debian-12
  network lan { ip = auto }
  user ops { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops"], sudo = true }
  roles    = [roles.base, kmsg_reader]
}
