from jixiao.cli import app

app()
