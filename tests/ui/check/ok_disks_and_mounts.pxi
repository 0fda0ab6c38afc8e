# A VM with a root disk and data disks, and a container with mount points: the
# attribute `disk = …` and the blocks `disk data { … }` live side by side, and a
# profile carries disks and mount points too.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  dns     = [10.0.0.1]
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl, images] }
  storage backups   { type = dir, path = "/mnt/backups", content = [backup] }
}

template ubuntu-2404 {
  host    = pve1
  vmid    = 9000
  image   = os.ubuntu_2404
  storage = local-lvm
}

profile database {
  disk wal { size = 16GiB, interface = "scsi2", cache = writeback }
}

vm db-01 : database {
  host     = pve1
  template = ubuntu-2404
  disk     = 32GiB
  network lan { ip = auto }
  disk data {
    size      = 100GiB
    interface = "scsi1"
    backup    = false
  }
  disk scratch {
    size      = 20GiB
    interface = "virtio0"
    storage   = local
    format    = raw
    replicate = false
  }
  disk archive { size = 50GiB, interface = "sata0", storage = local }
}

profile files {
  mount shared { path = "/srv/shared", size = 8GiB }
}

container files-01 : files {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  disk     = 8GiB
  network lan { ip = auto }
  mount data {
    path   = "/var/lib/data"
    size   = 16GiB
    backup = true
  }
}
