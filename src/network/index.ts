// Networking: bridges, namespaces, IPAM, published ports and firewall rules.
export * from "./network-service.ts";
export type { EndpointRecord, NetworkRecord, PortMapping } from "./network-store.ts";
export { containerResolvConf } from "./host-resolv.ts";
export {
  type AddressPool,
  type AddressPool6,
  parseAddressPools,
  parseAddressPools6,
} from "./address-pools.ts";
