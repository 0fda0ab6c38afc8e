# std.os: the OS images pxic knows: cloud images, installer ISOs and container templates.
#
# `use std.os` brings these in as `os.<name>`, as in `image = os.ubuntu_2404` in a template
# or `template = os.debian_12_lxc` in a container. Every image is amd64 (x86_64).
#
# Cloud images (`kind = cloud`) are disk images with cloud-init. A template made from one
# without a `build` block is made by Terraform: Proxmox downloads the image into a storage
# with the `import` content type and imports it as the template's disk. Proxmox only
# accepts `import` files whose names end in `.qcow2`, `.raw` or `.vmdk` (the older route,
# through `iso` content, wants `.img`), so images published under another extension get a
# `file_name` that says what they really are.
#
# Installer ISOs (`kind = iso`) are built into templates by Packer (`proxmox-iso`).
#
# Container templates (`kind = lxc`) come from the Proxmox template repository, the same
# files `pveam` downloads. That repository is served over plain HTTP and publishes no
# checksum file beside the templates, so each one is pinned to the SHA-512 from Proxmox's
# signed template index (`http://download.proxmox.com/images/aplinfo-pve-9.dat`).
#
# Most URLs name a rolling "latest" or "current" file, checked against the checksum file
# published beside it. Those that name a point release say so, and say when they will age.

# ───────────────────────────── cloud images ─────────────────────────────

# Ubuntu 22.04 LTS (Jammy Jellyfish), the current daily-refreshed server cloud image.
# The `.img` file is a qcow2 image: stored as `.qcow2` so that Proxmox can import it.
image ubuntu_2204 {
  kind         = cloud
  family       = ubuntu
  version      = "22.04"
  url          = "https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img"
  checksum_url = "https://cloud-images.ubuntu.com/jammy/current/SHA256SUMS"
  file_name    = "ubuntu-22.04-server-cloudimg-amd64.qcow2"
}

# Ubuntu 24.04 LTS (Noble Numbat), the current server cloud image; qcow2 despite `.img`.
image ubuntu_2404 {
  kind         = cloud
  family       = ubuntu
  version      = "24.04"
  url          = "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img"
  checksum_url = "https://cloud-images.ubuntu.com/noble/current/SHA256SUMS"
  file_name    = "ubuntu-24.04-server-cloudimg-amd64.qcow2"
}

# Debian 12 (bookworm), the latest "genericcloud" image: cloud-init, virtio drivers, no
# drivers for bare metal. Debian publishes SHA-512 sums only.
image debian_12 {
  kind               = cloud
  family             = debian
  version            = "12"
  url                = "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2"
  checksum_url       = "https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS"
  checksum_algorithm = sha512
}

# Debian 13 (trixie), the latest "genericcloud" image.
image debian_13 {
  kind               = cloud
  family             = debian
  version            = "13"
  url                = "https://cloud.debian.org/images/cloud/trixie/latest/debian-13-genericcloud-amd64.qcow2"
  checksum_url       = "https://cloud.debian.org/images/cloud/trixie/latest/SHA512SUMS"
  checksum_algorithm = sha512
}

# Rocky Linux 9, the latest GenericCloud "Base" image (plain XFS root, no LVM). `9` and
# `.latest.` always name the newest 9.x; CHECKSUM lists the `.latest.` name too.
image rocky_9 {
  kind         = cloud
  family       = rocky
  version      = "9"
  url          = "https://download.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2"
  checksum_url = "https://download.rockylinux.org/pub/rocky/9/images/x86_64/CHECKSUM"
}

# AlmaLinux 9, the latest GenericCloud image, which follows every 9.x release.
image almalinux_9 {
  kind         = cloud
  family       = almalinux
  version      = "9"
  url          = "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2"
  checksum_url = "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM"
}

# ───────────────────────────── installer ISOs ─────────────────────────────

# Ubuntu Server 22.04.5, the live-server installer (Subiquity, autoinstall). 22.04.5 is
# the last point release of 22.04, so the URL stays valid for as long as 22.04 is served
# from releases.ubuntu.com.
image ubuntu_2204_iso {
  kind         = iso
  family       = ubuntu
  version      = "22.04"
  url          = "https://releases.ubuntu.com/22.04/ubuntu-22.04.5-live-server-amd64.iso"
  checksum_url = "https://releases.ubuntu.com/22.04/SHA256SUMS"
}

# Ubuntu Server 24.04.5, the live-server installer. The URL names a point release:
# should Canonical publish a later one, this ISO moves to
# https://old-releases.ubuntu.com/releases/24.04.5/ and the URL must be updated.
image ubuntu_2404_iso {
  kind         = iso
  family       = ubuntu
  version      = "24.04"
  url          = "https://releases.ubuntu.com/24.04/ubuntu-24.04.5-live-server-amd64.iso"
  checksum_url = "https://releases.ubuntu.com/24.04/SHA256SUMS"
}

# Debian 12.15 netinst (preseed). Bookworm is oldstable, so its images live in Debian's
# archive, whose URLs do not move; a later 12.x point release would sit beside it.
image debian_12_iso {
  kind               = iso
  family             = debian
  version            = "12"
  url                = "https://cdimage.debian.org/cdimage/archive/12.15.0/amd64/iso-cd/debian-12.15.0-amd64-netinst.iso"
  checksum_url       = "https://cdimage.debian.org/cdimage/archive/12.15.0/amd64/iso-cd/SHA512SUMS"
  checksum_algorithm = sha512
}

# Debian 13.7 netinst (preseed), from "current". The URL names a point release and will
# age: when 13.8 is published, `current` moves on and this ISO moves to
# https://cdimage.debian.org/cdimage/archive/13.7.0/amd64/iso-cd/. Update both URLs then.
image debian_13_iso {
  kind               = iso
  family             = debian
  version            = "13"
  url                = "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-13.7.0-amd64-netinst.iso"
  checksum_url       = "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/SHA512SUMS"
  checksum_algorithm = sha512
}

# Rocky Linux 9 minimal installer (kickstart). `Rocky-9-latest-…` always names the
# newest 9.x, and CHECKSUM lists it under that name.
image rocky_9_iso {
  kind         = iso
  family       = rocky
  version      = "9"
  url          = "https://download.rockylinux.org/pub/rocky/9/isos/x86_64/Rocky-9-latest-x86_64-minimal.iso"
  checksum_url = "https://download.rockylinux.org/pub/rocky/9/isos/x86_64/CHECKSUM"
}

# AlmaLinux 9 minimal installer (kickstart); `AlmaLinux-9-latest-…` follows every 9.x.
image almalinux_9_iso {
  kind         = iso
  family       = almalinux
  version      = "9"
  url          = "https://repo.almalinux.org/almalinux/9/isos/x86_64/AlmaLinux-9-latest-x86_64-minimal.iso"
  checksum_url = "https://repo.almalinux.org/almalinux/9/isos/x86_64/CHECKSUM"
}

# ───────────────────────────── container templates ─────────────────────────────
#
# Each names one build of the template. Proxmox publishes newer builds under new names;
# to move to one, take its file name and sha512sum from `pveam available --section system`
# or from aplinfo-pve-9.dat, and change `url` and `checksum` together.

# Debian 12 (bookworm) standard container template, build 12.12-1.
image debian_12_lxc {
  kind               = lxc
  family             = debian
  version            = "12"
  url                = "http://download.proxmox.com/images/system/debian-12-standard_12.12-1_amd64.tar.zst"
  checksum           = "50c85eaaece677a3ebe01cc909b83872e9da2a22c29ae652838afce71e83222fdf40f6accecd7d52b180e912fc1f85ecdf7b3fc4d3027da4d865e509a9e76597"
  checksum_algorithm = sha512
}

# Debian 13 (trixie) standard container template, build 13.6-1 (for Proxmox VE 9).
image debian_13_lxc {
  kind               = lxc
  family             = debian
  version            = "13"
  url                = "http://download.proxmox.com/images/system/debian-13-standard_13.6-1_amd64.tar.zst"
  checksum           = "4c0c27ca6ceab5ef0b84db57825a00f26157ef1854bafe97297813e1cbe8ecb8cc9c453cab6b3b0efe1ba193a50c47ece1e41d950e411b8730b835b71e9e754b"
  checksum_algorithm = sha512
}

# Ubuntu 24.04 LTS standard container template, build 24.04-2.
image ubuntu_2404_lxc {
  kind               = lxc
  family             = ubuntu
  version            = "24.04"
  url                = "http://download.proxmox.com/images/system/ubuntu-24.04-standard_24.04-2_amd64.tar.zst"
  checksum           = "45c2978e6b97fe292ada95fe06834276015e5739a594db4de2fdfd830fa0c37942e8ae118fc1e32ffd9154b3f9378b592738b668ea3957db41f2907b86f219de"
  checksum_algorithm = sha512
}
