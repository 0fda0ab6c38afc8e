# A guest's user names go into a sudoers file, one line each, and its path
# (`/etc/sudoers.d/pxic-<user>`): only Linux user names are taken.
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

template debian {
  host    = pve1
  vmid    = 9000
  image   = os.debian_12
  storage = local
}

vm web-01 {
  host     = pve1
  template = debian
  network lan { ip = 10.0.0.21 }
  user admin { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests admin"], sudo = true }
  user "bob\nALL ALL=(ALL) NOPASSWD: ALL" { sudo = true }
  user "../../etc/x" {}
  user "Admin" {}
}
