import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { consolidateIpam } from "./network-ipam.ts";

describe("consolidateIpam", () => {
  const none = { ranges: [], gateways: [], auxAddresses: {} };
  it("pairs ranges, gateways and aux addresses with their subnet", () => {
    assert.deepEqual(
      consolidateIpam({
        subnets: ["10.1.0.0/16", "fd00::/64"],
        ranges: ["10.1.2.0/24"],
        gateways: ["fd00::1", "10.1.0.254"],
        auxAddresses: { host: "10.1.0.5" },
      }),
      [
        {
          Subnet: "10.1.0.0/16",
          IPRange: "10.1.2.0/24",
          Gateway: "10.1.0.254",
          AuxiliaryAddresses: { host: "10.1.0.5" },
        },
        { Subnet: "fd00::/64", Gateway: "fd00::1", AuxiliaryAddresses: {} },
      ],
    );
    assert.deepEqual(consolidateIpam({ subnets: [], ...none }), []);
  });
  it("refuses what docker refuses, with its words", () => {
    const cases: [Parameters<typeof consolidateIpam>[0], string][] = [
      [
        { ...none, subnets: [], gateways: ["10.0.0.1"] },
        "every ip-range or gateway must have a corresponding subnet",
      ],
      [
        { ...none, subnets: ["10.0.0.0/24", "10.0.0.0/25"] },
        "multiple overlapping subnet configuration is not supported",
      ],
      [
        { ...none, subnets: ["10.0.0.0/24"], ranges: ["10.0.1.0/25"] },
        "no matching subnet for range 10.0.1.0/25",
      ],
      [
        { ...none, subnets: ["10.0.0.0/24"], gateways: ["10.0.1.1"] },
        "no matching subnet for gateway 10.0.1.1",
      ],
      [{ ...none, subnets: ["10.0.0.0/24"], gateways: ["foo"] }, "no matching subnet for gateway foo"],
      [{ ...none, subnets: ["10.0.0/24"] }, "invalid CIDR address: 10.0.0/24"],
      [
        { ...none, subnets: ["10.0.0.0/24", "10.0.1.0/24"], gateways: ["10.0.0.1", "10.0.0.2"] },
        "cannot configure multiple gateways (10.0.0.2, 10.0.0.1) for the same subnet (10.0.0.0/24)",
      ],
    ];
    for (const [flags, message] of cases) assert.throws(() => consolidateIpam(flags), { message });
  });
});
