"""The application form (申請書) as data: definitions, one validating engine,
pre-fill, the receiving office and the online-scope rules.

Public API (import from the modules):

- ``editions.edition_for(application_type, status_code, on=)``,
  ``editions.edition_by_key(key)``, ``editions.all_editions()``
- ``engine.normalise / clean / validate / sections_status /
  blocking_sections / diff_against_record / applicable_items /
  controlling_items``
- ``storage.envelope / read`` (answers stored with their edition key)
- ``tabular.columns / column_labels / answers_from_row / column_for_path``
  (batch templates)
- ``json_schema.json_schema`` (the API's description of the answers)
- ``presenters.form_summary`` (sectioned summary for check answers, the
  case pages and the PDF; differences from the record marked)
- ``prefill.initial_answers``
- ``messages.problem_message`` (a ``Problem`` in words, naming the field)
- ``jurisdiction.receiving_office``
- ``online_scope.check``

Nothing here is wired into the pages yet.
"""

from applications.application_forms import messages as messages  # registers codes
