//! Talking to a live Proxmox VE cluster through its HTTP API: the connection settings
//! (which follow the environment the generated Terraform reads, so one environment
//! drives pxic, Terraform and CI), the client, and what pxic reads from the cluster.
//! Only commands that look at the live cluster use it (`pxic status`, and `preflight`'s facts); checking and
//! building never touch the network.

mod client;
mod connect;
mod drift;
mod live;
mod settings;

pub use client::Client;
pub use connect::connect;
pub use drift::drift_of;
pub use live::{
    LiveGuest, LiveNode, LiveStorage, Privileges, bridges, config, description, guests, nodes,
    privileges, require_audit, storages, version,
};
pub use settings::{Settings, Token, ca_file_from, endpoint};
