# Storage names go into volume IDs and `qm` options, where `,` or `:` would add an
# option; an image's file name (its `file_name`, or the end of its `url`) goes into
# a volume ID and the node's file system: neither may be anything but a name.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  storage "nfs:x" { type = nfs, server = "10.0.0.9", export = "/srv", content = [images] }
}

host pve1 {
  address = 10.0.0.2
  storage "local,import-from=/etc/shadow" { type = dir, path = "/srv", content = [images, import] }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images] }
}

image from_query {
  kind   = cloud
  family = debian
  url    = "https://example.org/download?file=debian-13.qcow2"
}

image climbing {
  kind      = cloud
  family    = debian
  url       = "https://example.org/debian-13.qcow2"
  file_name = "../../../etc/cron.d/x.qcow2"
}
