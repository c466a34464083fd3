"""Who may do what with a committee issue (the permissions services and views check).

Residents propose, support and comment once signed in; the members of the district's
committee (and its working groups) create issues and move them along; so do the members of
the body an issue belongs to, and of the district-group committee it was escalated to. The
resident who proposed an issue may attach documents to it.
"""

from __future__ import annotations

from typing import Any

import rules

from ruam.bodies.predicates import is_committee_member, sits_in


@rules.predicate
def is_issues_committee(user: Any, issue: Any) -> bool:
    if issue is None:
        return False
    return (
        is_committee_member(user, issue.district_id or issue.body)
        or sits_in(user, issue.body)
        or (issue.escalated_to_id is not None and sits_in(user, issue.escalated_to))
    )


@rules.predicate
def is_proposer(user: Any, issue: Any) -> bool:
    return (
        issue is not None
        and getattr(user, "is_authenticated", False)
        and issue.proposer_id == user.pk
    )


# Signed-in residents: propose an issue anywhere, support it, comment on it.
rules.add_perm("issues.propose_issue", rules.is_authenticated)
rules.add_perm("issues.support_issue", rules.is_authenticated)
rules.add_perm("issues.comment_issue", rules.is_authenticated)
# A member creates an issue in their own district (it then counts as the committee's own).
rules.add_perm("issues.create_issue", is_committee_member)
# Screening, agenda, resolution, decline, escalation; linking reports; hiding comments.
rules.add_perm("issues.manage_issue", is_issues_committee)
rules.add_perm("issues.attach_document", is_issues_committee | is_proposer)
