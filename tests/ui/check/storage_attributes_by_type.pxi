# Each storage type needs its own settings, as /etc/pve/storage.cfg does: an NFS
# storage without its export, an LVM-thin one without its thin pool, and a ZFS
# pool given an NFS server are each reported.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

host pve1 {
  address = 10.0.0.2
  storage nas  { type = nfs, server = "10.0.0.5", content = [iso] }
  storage data { type = lvmthin, vg = "pve", content = [images] }
  storage tank { type = zfspool, pool = "tank", server = "10.0.0.5", content = [images] }
  storage ok   { type = cifs, server = "10.0.0.6", share = "pve", content = [backup] }
}
