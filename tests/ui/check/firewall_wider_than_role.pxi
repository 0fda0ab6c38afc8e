# Firewall rules that cannot be what a role says. A port a role limits with `from`
# that another role (here through `depends`) opens to anyone (PXI0378); SSH limited
# with `from`, which pxic keeps open for Ansible (PXI0378); and Docker, whose
# published ports skip ufw (PXI0379).

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
role web {
  depends = [roles.nginx]
  firewall {
    allow = [80]
    from  = [10.0.0.0/24]
  }
}

role admin_ssh {
  firewall {
    allow = [22]
    from  = [10.0.0.0/28]
  }
}

role app {
  depends = [roles.docker]
  firewall {
    allow = [8080]
    from  = [10.0.0.0/24]
  }
}

template debian-12 {
  host    = pve1
  image   = os.debian_12
  storage = local-lvm
}

vm web-01 {
  host     = pve1
  template = debian-12
  network lan { ip = auto }
  user ops { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops"], sudo = true }
  roles    = [web, admin_ssh]
}

vm app-01 {
  host     = pve1
  template = debian-12
  network lan { ip = auto }
  user ops { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops"], sudo = true }
  roles    = [app]
}
