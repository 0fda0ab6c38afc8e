# Values the guest would refuse only at apply time, checked here: a user named like a
# system account (PXI0383), a shell that is not a path (PXI0384), a user name starting
# with `_` (PXI0339), a role's file with a relative path (PXI0385), and service names
# with a space or a leading `-` (PXI0386).
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
  bridge vmbr0 { network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

role web {
  packages = ["nginx", "php8.3-fpm"]
  services = ["nginx php8.3-fpm", "-nginx"]
  file "etc/nginx/conf.d/site.conf" { content = "server {}\n" }
  file "/etc/nginx/../motd" { content = "hello\n", restart = ["nginx reload"] }
  file "/etc/nginx/conf.d/ok.conf" { content = "\n", restart = ["nginx.service", "getty@tty1"] }
}

vm web-01 {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = 10.0.0.21 }
  user root { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdm admin"] }
  user ops { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops"], shell = "bash" }
  user "_svc" { shell = "/bin/ba sh" }
  user deploy { shell = "/usr/bin/zsh" }
  roles    = [web]
}
