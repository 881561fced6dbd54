#!/usr/bin/python3
"""Validate a JSON instance against a JSON Schema (draft 2020-12).

usage: validate_schema.py SCHEMA INSTANCE
       validate_schema.py --expect-invalid JSON_POINTER SCHEMA INSTANCE

Without --expect-invalid, exit 0 when INSTANCE is valid and 1 with every error's path when it
is not. With --expect-invalid, exit 0 only when INSTANCE is invalid and one error sits at
JSON_POINTER (such as /benchmarks/0/real_time), so a negative check cannot pass by accident.
"""
import json
import sys

import jsonschema


def error_pointer(error):
    return "/" + "/".join(str(part) for part in error.absolute_path)


def main(argv):
    expected_pointer = None
    if len(argv) == 5 and argv[1] == "--expect-invalid":
        expected_pointer = argv[2]
        argv = [argv[0]] + argv[3:]
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2

    with open(argv[1], encoding="utf-8") as schema_file:
        schema = json.load(schema_file)
    with open(argv[2], encoding="utf-8") as instance_file:
        instance = json.load(instance_file)

    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    if validator_class is not jsonschema.Draft202012Validator:
        print(f"{argv[1]}: expected a draft 2020-12 schema, found {validator_class.__name__}",
              file=sys.stderr)
        return 1
    errors = sorted(validator_class(schema).iter_errors(instance), key=error_pointer)

    if expected_pointer is None:
        for error in errors:
            print(f"{argv[2]}: {error_pointer(error)}: {error.message}", file=sys.stderr)
        if errors:
            return 1
        print(f"{argv[2]}: valid against {schema.get('$id', argv[1])}")
        return 0

    pointers = [error_pointer(error) for error in errors]
    if expected_pointer in pointers:
        print(f"{argv[2]}: rejected as expected at {expected_pointer}")
        return 0
    print(f"{argv[2]}: expected an error at {expected_pointer}, found errors at {pointers}",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
