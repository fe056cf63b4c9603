# One image for the five services, the console and the two sinks; the command picks which runs.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY contracts contracts
COPY libs libs
COPY infra infra
COPY services services
RUN uv sync --frozen --no-dev
# the console's htmx, fetched from the npm registry and checked against its published integrity
RUN HOTLINE_CACHE=/tmp/cache uv run --frozen --no-dev python -c "import shutil; from hotline_infra.install import htmx_assets; shutil.copytree(htmx_assets(), '/app/assets')"
ENV PATH="/app/.venv/bin:$PATH" HOTLINE_HTTP_HOST=0.0.0.0
EXPOSE 8000
CMD ["python", "-m", "intake"]
