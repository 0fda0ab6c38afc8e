# Data disks beside a VM's root disk, on each bus, from a profile too; a container's
# mount points, a bind mount among them (no API token: root@pam, logged in with a
# password, may set one), and a path with characters HCL must escape.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
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
}

template debian-12 {
  host    = pve1
  vmid    = 9000
  image   = os.debian_12
  storage = local-lvm
}

profile database {
  disk wal { size = 16GiB, interface = "scsi2", cache = writeback }
}

vm db-01 : database {
  host     = pve1
  template = debian-12
  disk     = 32GiB
  network lan { ip = 10.0.0.20 }
  disk data {
    size      = 100GiB
    interface = "scsi1"
    backup    = false
  }
  disk scratch {
    size      = 20GiB
    interface = "virtio0"
    storage   = local
    replicate = false
  }
  disk archive {
    size      = 1536MiB
    interface = "sata0"
    storage   = local
    format    = raw
    discard   = false
  }
}

container files-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  disk     = 8GiB
  network lan { ip = 10.0.0.30 }
  mount data {
    path   = "/var/lib/data"
    size   = 16GiB
    backup = true
  }
  mount media {
    path      = "/srv/media ${"$"}{x} %{y}"
    host_path = "/tank/media"
  }
}
