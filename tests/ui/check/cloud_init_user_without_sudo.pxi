# A VM's first user is its cloud-init user, which PVE makes the image's default
# user, with passwordless sudo: `sudo = false` (written or by default) cannot be
# honoured there. Later users are Ansible's, which honours it.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  vmid    = 9000
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm written {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto }
  user deploy { ssh_keys = [file("files/admin.pub")], sudo = false }
}

vm defaulted {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto }
  user deploy { ssh_keys = [file("files/admin.pub")] }
}

vm admin-first {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto }
  user ops    { ssh_keys = [file("files/admin.pub")], sudo = true }
  user deploy { ssh_keys = [file("files/admin.pub")] }
}
