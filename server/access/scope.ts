/** What a signed-in person's place in the network lets them see: derived from group memberships. */

export interface AccessScope {
  personId: number;
  isNetworkAdmin: boolean;
  /** Network admins and hub team members see the whole network (read-only for the hub team). */
  seesWholeNetwork: boolean;
  /** Districts where the person sits in a district-leader group. */
  ledDistrictIds: readonly number[];
  /** Sites where the person sits in a school-leader group. */
  ledSiteIds: readonly number[];
  /** Every group the person belongs to. */
  groupIds: readonly number[];
  /** Groups the person facilitates. */
  facilitatedGroupIds: readonly number[];
}
