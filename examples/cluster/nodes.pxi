# The three Proxmox VE nodes. Identical hardware: one 32-core EPYC (64 threads),
# 256 GiB RAM, two NVMe mirrors (rpool, ZFS) for the system and fast local disks,
# four NVMe OSDs for Ceph, and two dual-port NICs:
#
#   eno1 / eno2            LAN (untagged), bridged as vmbr0
#   enp65s0f0              trunk to the core switch, bridged as VLAN-aware vmbr1 (DMZ = VLAN 30)
#   enp65s0f1              Ceph and corosync (not a guest network, configured outside pxic)
#
# pve2 and pve3 each have a GPU in slot 41:00.0, mapped cluster-wide as `gpu`.

host pve1 {
  address = 10.20.0.11
  cores   = 64
  memory  = 256GiB

  bridge vmbr0 { ports = ["eno1"], network = lan }
  bridge vmbr1 { ports = ["enp65s0f0"], network = dmz, vlan_aware = true }

  storage local-zfs { type = zfspool, pool = "rpool/data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, vztmpl, snippets] }

  packages = ["htop", "iotop", "ifupdown2", "chrony", "smartmontools"]
}

host pve2 {
  address = 10.20.0.12
  cores   = 64
  memory  = 256GiB

  bridge vmbr0 { ports = ["eno1"], network = lan }
  bridge vmbr1 { ports = ["enp65s0f0"], network = dmz, vlan_aware = true }

  storage local-zfs { type = zfspool, pool = "rpool/data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, vztmpl, snippets] }

  # An NVIDIA RTX A4000 for video transcoding: the cluster's PCI mapping `gpu`.
  pci gpu { path = "0000:41:00.0", id = "10de:24b0", subsystem_id = "10de:14ad", iommu_group = 34 }

  packages = ["htop", "iotop", "ifupdown2", "chrony", "smartmontools"]
}

host pve3 {
  address = 10.20.0.13
  cores   = 64
  memory  = 256GiB

  bridge vmbr0 { ports = ["eno1"], network = lan }
  bridge vmbr1 { ports = ["enp65s0f0"], network = dmz, vlan_aware = true }

  storage local-zfs { type = zfspool, pool = "rpool/data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, vztmpl, snippets] }

  # An NVIDIA RTX A4000 for video transcoding: the cluster's PCI mapping `gpu`.
  pci gpu { path = "0000:41:00.0", id = "10de:24b0", subsystem_id = "10de:14ad", iommu_group = 34 }

  packages = ["htop", "iotop", "ifupdown2", "chrony", "smartmontools"]
}
