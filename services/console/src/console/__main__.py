from console.bootstrap import serve

serve()
