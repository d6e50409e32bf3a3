import { TableScroll, tableClass, tdClass, thClass } from "@bazaar/ui";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { useSignedInUserId, useVendorMembers, useVendorProfile } from "./vendor.api";

const roles: Record<string, string> = { owner: "Owner", staff: "Staff" };

/** The people who work for the vendor, and their roles. */
export function VendorTeamPage() {
  const profile = useVendorProfile();
  const members = useVendorMembers();
  const me = useSignedInUserId();
  return (
    <>
      <PageHeading
        title="Team"
        intro={`The people who work for ${profile.data?.name ?? "your shop"}. Owners also change the shop's profile; to add or remove someone, contact the shop's staff.`}
      />
      <QueryState query={members} label="the team" />
      {members.data && (
        <TableScroll label="Team members">
          <table className={tableClass}>
            <caption className="sr-only">Team members and their roles</caption>
            <thead className="bg-neutral-50">
              <tr>
                <th scope="col" className={thClass}>
                  Name
                </th>
                <th scope="col" className={thClass}>
                  Email
                </th>
                <th scope="col" className={thClass}>
                  Role
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-neutral-100 bg-white">
              {members.data.map((member) => (
                <tr key={member.userId}>
                  <th scope="row" className={`${tdClass} font-medium`}>
                    {member.name}
                    {member.userId === me && <span className="font-normal text-neutral-600"> (you)</span>}
                  </th>
                  <td className={tdClass}>{member.email}</td>
                  <td className={tdClass}>{roles[member.role] ?? member.role}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
