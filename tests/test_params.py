import pytest
from conftest import write_notebook

from ecombalance._reporting import params
from ecombalance.exceptions import ParameterError


@pytest.fixture
def suite(tmp_path):
    nbdir = tmp_path / "notebooks"
    write_notebook(nbdir / "01_a.ipynb", 'seed = 0  # random seed\nrate = 0.5\nname = "x"\nflag = False\nitems = ["a"]\nopt = None')
    write_notebook(nbdir / "02_b.ipynb", "seed = 1\nepochs = 3  # passes")
    return {nb.stem: params.declared_parameters(nb) for nb in sorted(nbdir.glob("*.ipynb"))}


def test_declared_parameters_read_defaults_types_and_help(suite):
    a = suite["01_a"]
    assert list(a) == ["seed", "rate", "name", "flag", "items", "opt"]
    assert [a[n].type_name for n in a] == ["int", "float", "str", "bool", "list", "any"]
    assert a["seed"].default == 0 and a["seed"].help == "random seed"
    assert a["items"].default == ["a"]


def test_later_layers_win_and_names_reach_only_declaring_notebooks(suite):
    values = params.resolve(
        suite,
        [("profile smoke", {"seed": 5, "epochs": 1, "notebooks": {"02": {"seed": 9}}}),
         (params.COMMAND_LINE, {"rate": 1, "epochs": 2})],
    )
    assert values["01_a"] == {"seed": 5, "rate": 1.0}
    assert isinstance(values["01_a"]["rate"], float)
    assert values["02_b"] == {"seed": 9, "epochs": 2}


def test_unknown_name_is_rejected_with_the_valid_list(suite):
    with pytest.raises(ParameterError) as err:
        params.resolve(suite, [(params.COMMAND_LINE, {"sede": 1})])
    msg = str(err.value)
    assert "unknown parameter 'sede'" in msg
    assert "01_a: seed (int), rate (float), name (str), flag (bool), items (list), opt (any)" in msg
    assert "02_b: seed (int), epochs (int)" in msg


@pytest.mark.parametrize(
    "name, value, expected",
    [("seed", "3", "takes a int"), ("seed", 2.5, "takes a int"), ("flag", 1, "takes a bool"),
     ("rate", "fast", "takes a float"), ("items", "a", "takes a list"), ("seed", True, "takes a int")],
)
def test_wrong_type_is_rejected(suite, name, value, expected):
    with pytest.raises(ParameterError, match=expected) as err:
        params.resolve(suite, [(params.COMMAND_LINE, {name: value})])
    assert repr(value) in str(err.value)


def test_none_default_takes_any_value(suite):
    assert params.resolve(suite, [("x", {"opt": [1, 2]})])["01_a"]["opt"] == [1, 2]


def test_profile_may_name_parameters_of_notebooks_outside_the_run_but_the_command_line_may_not(suite):
    only_a = {"01_a": suite["01_a"]}
    values = params.resolve(only_a, [("profile quick", {"epochs": 4})], suite_names={"epochs"})
    assert values == {"01_a": {}}
    with pytest.raises(ParameterError, match="unknown parameter 'epochs'"):
        params.resolve(only_a, [(params.COMMAND_LINE, {"epochs": 4})], suite_names={"epochs"})


def test_notebook_section_checks_names(suite):
    with pytest.raises(ParameterError, match="notebook 02_b has no parameter 'rate'"):
        params.resolve(suite, [("profile", {"notebooks": {"02": {"rate": 0.1}}})])


@pytest.mark.parametrize("text, value", [("3", 3), ("0.5", 0.5), ("true", True), ("[a, b]", ["a", "b"]), ("abc", "abc")])
def test_cli_values_parse_as_yaml(text, value):
    assert params.parse_cli_value(text) == value


def test_unknown_profile_lists_the_profiles(tmp_path):
    (tmp_path / "smoke.yaml").write_text("seed: 1\n")
    with pytest.raises(ParameterError, match=r"unknown profile 'fast'; choose one of \['smoke'\]"):
        params.profile_path("fast", tmp_path)


def test_parameter_file_must_be_a_mapping(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("- 1\n- 2\n")
    with pytest.raises(ParameterError, match="must hold a mapping"):
        params.load_yaml(path)
    with pytest.raises(ParameterError, match="does not exist"):
        params.load_yaml(tmp_path / "missing.yaml")


def test_repository_profiles_only_name_declared_parameters(root):
    from ecombalance._reporting import runner as report

    suite = report.discover(root / "notebooks")
    for profile in params.PROFILES:
        planned = report.plan(profile, notebooks_dir=root / "notebooks", params_dir=root / "params")
        assert [nb.stem for nb in planned] == [nb.stem for nb in suite]


@pytest.mark.parametrize("key", [2, "2", "02", " 02 ", "02_b"])
def test_notebook_section_keys_are_normalised(suite, key):
    # YAML reads `02:` as the integer 2
    values = params.resolve(suite, [("parameter file p.yaml", {"notebooks": {key: {"epochs": 7}}})])
    assert values["02_b"] == {"epochs": 7}


def test_notebook_section_keys_from_yaml_text(suite, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("notebooks:\n  01: {seed: 4}\n  02_b: {seed: 5}\n")
    values = params.resolve(suite, [("parameter file", params.load_yaml(path))])
    assert values == {"01_a": {"seed": 4}, "02_b": {"seed": 5}}


@pytest.mark.parametrize("key", [9, "09", "03_c", "b", True, "2_b"])
def test_a_section_naming_no_notebook_is_rejected_with_the_valid_keys(suite, key):
    with pytest.raises(ParameterError) as err:
        params.resolve(suite, [("parameter file p.yaml", {"notebooks": {key: {"seed": 1}}})])
    assert f"'notebooks' section {key!r} names no notebook" in str(err.value)
    assert "valid keys are the numbers or names of: 01 (01_a), 02 (02_b)" in str(err.value)


def test_the_same_notebook_twice_is_rejected(suite):
    with pytest.raises(ParameterError, match="'notebooks' names 02_b twice"):
        params.resolve(suite, [("p", {"notebooks": {2: {"seed": 1}, "02": {"seed": 2}}})])


def test_sections_for_notebooks_outside_the_run_are_checked_then_skipped(suite):
    only_a = {"01_a": suite["01_a"]}
    values = params.resolve(only_a, [("p", {"notebooks": {"02": {"epochs": 2}}})], suite=suite)
    assert values == {"01_a": {}}
    with pytest.raises(ParameterError, match="notebook 02_b has no parameter 'epoch'"):
        params.resolve(only_a, [("p", {"notebooks": {"02": {"epoch": 2}}})], suite=suite)
    with pytest.raises(ParameterError, match="parameter 'epochs' takes a int"):
        params.resolve(only_a, [("p", {"notebooks": {"02": {"epochs": "two"}}})], suite=suite)
    with pytest.raises(ParameterError, match="'notebooks' section '03' names no notebook"):
        params.resolve(only_a, [("p", {"notebooks": {"03": {"epochs": 2}}})], suite=suite)
