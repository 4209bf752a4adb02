# A user's own lit suite, as in docs/ftmbcc.md: it only loads ftmb.cfg.py.
# (Here the locations come from --param because the suite runs from the
# build tree; an installed ftmb needs just the load_config line.)
import lit.formats
config.name = "user-suite"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c"]
config.ftmb_bin_dir = lit_config.params.get("ftmb_bin_dir")
config.ftmb_include_dir = lit_config.params.get("ftmb_include_dir")
lit_config.load_config(config, lit_config.params["ftmb_cfg"])
