//! A VM's data disks (`disk` blocks beside the root disk's) and a container's mount
//! points (`mount_point` blocks), as the bpg/proxmox provider (v0.111.1) takes them.
//!
//! - On a clone, the provider adds a `disk` the template lacks with `scsiN:
//!   <storage>:<GiB>` after cloning (`disk.UpdateClone`), and matches disks by
//!   `interface` afterwards: the order of the blocks does not count. Every attribute is
//!   written, as for the root disk: one left out would be reset to the schema's default.
//! - `ssd` is not sent for virtio disks, nor `iothread` for SATA ones: they are written
//!   `false` there, as the provider reads them back, so the second plan is empty.
//! - A container's `mount_point` list forces a new container on any change; its `size`
//!   is whole GiB (`<storage>:<GiB>` on creation, then read back as `16G`).

use crate::backend::hcl::{Body, Expr};
use crate::backend::{GIB, disk_format};
use crate::ir::{Disk, Mount, Plan};

/// A data disk's `disk` block.
pub fn data_disk(plan: &Plan, host: &str, d: &Disk) -> Body {
    let format = d
        .format
        .as_deref()
        .unwrap_or_else(|| disk_format(plan, host, &d.storage));
    let mut disk = Body::new();
    disk.attr("interface", Expr::str(&d.interface))
        .attr("datastore_id", Expr::str(&d.storage))
        .attr("size", Expr::Num(d.size.div_ceil(GIB)))
        .attr("file_format", Expr::str(format))
        .attr("cache", Expr::str(&d.cache))
        .attr(
            "discard",
            Expr::str(if d.discard { "on" } else { "ignore" }),
        )
        .attr("iothread", Expr::Bool(d.iothread))
        .attr("ssd", Expr::Bool(d.ssd))
        .attr("aio", Expr::str("io_uring"))
        .attr("backup", Expr::Bool(d.backup))
        .attr("replicate", Expr::Bool(d.replicate));
    disk
}

/// A container's `mount_point` block: a new volume on a storage, or a host directory.
pub fn mount_point(m: &Mount) -> Body {
    let mut mount = Body::new();
    match &m.host_path {
        Some(host_path) => {
            mount.attr("volume", Expr::str(host_path));
        }
        None => {
            mount
                .attr("volume", Expr::str(&m.storage))
                .attr("size", Expr::str(format!("{}G", m.size.div_ceil(GIB))));
        }
    }
    mount
        .attr("path", Expr::str(&m.path))
        .attr("backup", Expr::Bool(m.backup));
    mount
}
